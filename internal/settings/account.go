package settings

import "time"

// ReauthWindow is how recent a password or TOTP confirmation must be for
// a sensitive change (email, password, 2FA, export, erasure); its default
// is account.ReauthWindow.
var ReauthWindow = Duration("account.reauth_window", 10*time.Minute, time.Minute, time.Hour)
