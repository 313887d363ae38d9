package views

import (
	"context"
	"slices"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
)

// The customer's lists of records, each a recordTable.

func ordersTable(ctx context.Context, orders []OrderView, pg Pagination) table {
	t := table{
		ID: "orders", Caption: i18n.T(ctx, "orders.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "orders.col.number"), RowHeader: true, Class: "nowrap"},
			{Label: i18n.T(ctx, "orders.placed"), Class: "nowrap"},
			{Label: i18n.T(ctx, "orders.status")},
			{Label: i18n.T(ctx, "orders.total"), Class: "amount nowrap"},
		},
		DetailsLabel: i18n.T(ctx, "orders.items"),
		EmptyTitle:   i18n.T(ctx, "data.empty.title"), EmptyBody: i18n.T(ctx, "data.empty.body"),
		Pagination: &pg,
	}
	for _, o := range orders {
		r := tableRow{Cells: []templ.Component{
			textCell(o.Number), dateTime(o.PlacedAt), orderStatusCell(o), textCell(o.Total),
		}}
		if len(o.Items) > 0 {
			r.Details = &rowDetails{
				Summary: i18n.T(ctx, "orders.items_summary", "Count", len(o.Items), "Number", o.Number),
				Body:    orderItems(o.Items),
			}
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// impliedDelivery is the delivery state an order's status already says,
// so it is not shown a second time.
var impliedDelivery = map[string]string{
	"placed": "pending", "paid": "pending", "in_production": "pending",
	"shipped": "in_transit", "delivered": "delivered",
}

// deliveryAddsInfo tells whether the delivery status says something the
// order status does not ("Delivered" twice says nothing new; "Refunded"
// and "Returned to us" do).
func deliveryAddsInfo(status, delivery string) bool {
	if delivery == "" {
		return false
	}
	return impliedDelivery[status] != delivery
}

func paymentsTable(ctx context.Context, items []PaymentView, pg Pagination) table {
	t := table{
		ID: "payments", Caption: i18n.T(ctx, "payments.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "payments.col.date"), Class: "nowrap"},
			{Label: i18n.T(ctx, "payments.col.amount"), Class: "amount nowrap"},
			{Label: i18n.T(ctx, "payments.col.provider")},
			{Label: i18n.T(ctx, "payments.col.method")},
			{Label: i18n.T(ctx, "payments.col.card"), Class: "nowrap"},
			{Label: i18n.T(ctx, "payments.col.order")},
		},
		EmptyTitle: i18n.T(ctx, "data.empty.title"), EmptyBody: i18n.T(ctx, "data.empty.body"),
		Pagination: &pg,
	}
	for _, p := range items {
		card := "—"
		if p.Last4 != "" {
			card = i18n.T(ctx, "payments.last4", "Last4", p.Last4)
		}
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			dateTime(p.PaidAt), textCell(p.Amount), textCell(orDash(p.Provider)), textCell(orDash(p.Method)),
			textCell(card), textCell(orDash(p.OrderNumber)),
		}})
	}
	return t
}

// contactTable reads as a conversation: oldest first within the page, each
// message labelled by who wrote it.
func contactTable(ctx context.Context, items []ContactView, pg Pagination) table {
	t := table{
		ID: "contact", Caption: i18n.T(ctx, "contact.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "contact.col.when"), Class: "nowrap"},
			{Label: i18n.T(ctx, "contact.col.from"), RowHeader: true},
			{Label: i18n.T(ctx, "contact.col.channel")},
			{Label: i18n.T(ctx, "contact.col.message")},
		},
		EmptyTitle: i18n.T(ctx, "data.empty.title"), EmptyBody: i18n.T(ctx, "data.empty.body"),
		Pagination: &pg,
	}
	t.ActionsLabel = i18n.T(ctx, "rectify.wrong")
	for _, m := range oldestFirst(items) {
		row := tableRow{Cells: []templ.Component{
			dateTime(m.At), textCell(authorLabel(ctx, m.Channel, m.Direction)), textCell(channelLabel(ctx, m.Channel)),
			contactMessage(m),
		}}
		if m.ID > 0 {
			row.Actions = wrongLink(RectifyURL("contact", "body", m.ID), i18n.T(ctx, "rectify.wrong_message", "Date", DateTime(ctx, m.At)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// oldestFirst orders a copy of the page's messages as a conversation,
// whatever order the query returned them in.
func oldestFirst(items []ContactView) []ContactView {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b ContactView) int { return a.At.Compare(b.At) })
	return out
}

// authorLabel names who wrote a message: the customer, the shop's staff,
// or, for a phone call, the staff member who noted it (whoever called).
func authorLabel(ctx context.Context, channel, direction string) string {
	switch {
	case channel == "phone":
		return i18n.T(ctx, "contact.author.phone_note")
	case direction == "in":
		return i18n.T(ctx, "contact.author.customer")
	}
	return i18n.T(ctx, "contact.author.staff")
}

func surveysTable(ctx context.Context, items []SurveyView, pg Pagination) table {
	t := table{
		ID: "surveys", Caption: i18n.T(ctx, "surveys.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "surveys.col.date"), Class: "nowrap"},
			{Label: i18n.T(ctx, "surveys.col.kind")},
			{Label: i18n.T(ctx, "surveys.col.title")},
			{Label: i18n.T(ctx, "surveys.col.question")},
			{Label: i18n.T(ctx, "surveys.col.answer"), Class: "message-body"},
		},
		EmptyTitle: i18n.T(ctx, "data.empty.title"), EmptyBody: i18n.T(ctx, "data.empty.body"),
		Pagination: &pg,
	}
	for _, s := range items {
		class := "badge badge--neutral"
		if s.Kind == "competition" {
			class = "badge badge--info"
		}
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			dateTime(s.At), badgeCell(surveyKindLabel(ctx, s.Kind), class), textCell(s.Title), textCell(s.Question),
			textCell(orDash(s.Answer)),
		}})
	}
	return t
}

// loginsTable is the sign-in history, on the security page and as a data
// category; emptyTitle and emptyBody are the page's own.
func loginsTable(ctx context.Context, items []LoginEventView, pg Pagination, emptyTitle, emptyBody string) table {
	t := table{
		ID: "logins", Caption: i18n.T(ctx, "security.history.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "security.col.time"), Class: "nowrap"},
			{Label: i18n.T(ctx, "security.col.event")},
			{Label: i18n.T(ctx, "security.col.method")},
			{Label: i18n.T(ctx, "security.col.device")},
			{Label: i18n.T(ctx, "security.col.ip")},
		},
		EmptyTitle: emptyTitle, EmptyBody: emptyBody,
		Pagination: &pg,
	}
	for _, e := range items {
		event := textCell(eventLabel(ctx, e.Event))
		if eventAlerts(e.Event) {
			event = badgeCell(eventLabel(ctx, e.Event), "badge badge--danger")
		}
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			dateTime(e.At), event, textCell(methodLabel(ctx, e.Method)), textCell(deviceLabel(ctx, e.Browser, e.OS)),
			codeCell(orDash(e.IP)),
		}})
	}
	return t
}

func changesTable(ctx context.Context, items []ChangeView, pg Pagination) table {
	t := table{
		ID: "history", Caption: i18n.T(ctx, "history.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "history.col.when"), Class: "nowrap"},
			{Label: i18n.T(ctx, "history.col.what"), RowHeader: true},
			{Label: i18n.T(ctx, "history.col.from"), Class: "break-anywhere"},
			{Label: i18n.T(ctx, "history.col.to"), Class: "break-anywhere"},
			{Label: i18n.T(ctx, "history.col.by")},
		},
		EmptyTitle: i18n.T(ctx, "history.empty.title"), EmptyBody: i18n.T(ctx, "history.empty.body"),
		Pagination: &pg,
	}
	for _, c := range items {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			dateTime(c.At), textCell(fieldLabel(ctx, c.Field)), textCell(fieldValue(ctx, c.Field, c.Old)),
			textCell(fieldValue(ctx, c.Field, c.New)), textCell(changeByLabel(ctx, c)),
		}})
	}
	return t
}

// changeByLabel says who made a change; a staff correction names the
// request it answered ("Corrected by staff on request #12").
func changeByLabel(ctx context.Context, c ChangeView) string {
	if c.RequestID != nil && c.ActorKind == "staff" {
		return i18n.T(ctx, "history.actor.staff_request", "Number", RequestNumber(*c.RequestID))
	}
	return actorKindLabel(ctx, c.ActorKind)
}

func purposesTable(ctx context.Context, c CategoryView) table {
	t := table{
		ID: "purposes", Caption: i18n.T(ctx, "data.purposes.caption", "Name", c.Name),
		Columns: []column{
			{Label: i18n.T(ctx, "data.purposes.col.use")},
			{Label: i18n.T(ctx, "data.purposes.col.basis")},
		},
	}
	for _, p := range c.Purposes {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{textCell(p.Text), textCell(basisLabel(ctx, p.Basis))}})
	}
	return t
}
