package requests

// The queue's benchmark renders the desk's page with views, which imports
// the export service, which imports this package: it lives in the
// external test package, and reads the queue's columns through here.
const QueueColumns = queueColumns

// StringsOf is stringsOf, for the benchmark's statements.
var StringsOf = stringsOf
