package views

import "strconv"

// UnsubscribeView is the page of an unsubscribe link (GET /u/{token}),
// its result after the button, and the token preference page.
type UnsubscribeView struct {
	Token string
	Topic string // the link's topic, in the page's language
	// Subscribed says the link's topic is still on; false shows "already
	// unsubscribed" and no button.
	Subscribed bool
	// Done is the page after a withdrawal.
	Done bool
	// Choices are the marketing choices still on, for the preference page.
	Choices []UnsubscribeChoice
}

// UnsubscribeChoice is one choice the token page can switch off.
type UnsubscribeChoice struct {
	Value string // "topic:channel"
	Label string
}

// ConsentConfirmView is the page of a double opt-in link (GET /confirm/{token}).
type ConsentConfirmView struct {
	Token string
	Topic string
	Until string // formatted deadline
	Done  bool
}

func unsubscribeAction(token string) string { return "/u/" + token }
func unsubscribePrefsAction(token string) string {
	return "/u/" + token + "/prefs"
}
func confirmAction(token string) string { return "/confirm/" + token }

func choiceID(i int) string { return "stop-" + strconv.Itoa(i) }
