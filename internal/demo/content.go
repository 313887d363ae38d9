package demo

import "github.com/photolab/privacyportal/models"

// plan is how much demo data one customer gets, and who they are. The
// phone numbers are in ranges libphonenumber accepts as valid mobiles; the
// addresses are invented, with postal codes of the right form for the city.
type plan struct {
	email                           string
	profile                         models.Profile
	addresses                       []models.Address
	orders, photos, threads, logins int
	cards                           []string // last four digits
	ipPrefix                        string   // documentation ranges, RFC 5737
	userAgents                      []string
	contact                         []thread
	answers                         []answer
}

type thread struct{ channel, subject, question, reply string }

type answer struct{ kind, title, question, answer string }

var plans = []plan{
	{
		email: "camille.laurent@example.com",
		profile: models.Profile{FirstName: "Camille", LastName: "Laurent", Phone: "+33600000012",
			BirthDate: "1988-04-17", Gender: "female", PreferredLanguage: "fr"},
		addresses: []models.Address{
			{Kind: models.AddressBilling, Line1: "18 rue des Tanneurs", PostalCode: "69001", City: "Lyon", Region: "Auvergne-Rhône-Alpes", Country: "FR"},
			{Kind: models.AddressDelivery, Line1: "Atelier 3", Line2: "42 quai Saint-Vincent", PostalCode: "69001", City: "Lyon", Region: "Auvergne-Rhône-Alpes", Country: "FR"},
		},
		orders: 200, photos: 50, threads: 15, logins: 40,
		cards:    []string{"4417", "0931"},
		ipPrefix: "192.0.2.",
		userAgents: []string{
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
		},
		contact: []thread{
			{"email", "Tirages arrivés pliés", "Bonjour, deux tirages 13×18 de ma commande sont arrivés pliés dans le colis. Pouvez-vous les réimprimer ?", "Bonjour Camille, toutes nos excuses. Nous réimprimons les deux tirages et vous les envoyons dès demain, sans frais."},
			{"chat", "Délai pour un livre photo", "Combien de temps faut-il pour recevoir un livre photo A4 de 40 pages ?", "Comptez 3 à 5 jours ouvrés de fabrication, puis 2 jours de livraison."},
			{"phone", "Changement d'adresse de livraison", "Appel : la cliente souhaite livrer sa commande en cours à son atelier plutôt qu'à son domicile.", "Adresse de livraison modifiée avant expédition ; confirmation envoyée par e-mail."},
			{"email", "Couleurs trop sombres", "Les couleurs de ma toile 40×60 sont plus sombres qu'à l'écran. Est-ce normal ?", "Les écrans sont plus lumineux que l'impression. Nous pouvons éclaircir le fichier de 10 % et réimprimer la toile gratuitement."},
			{"chat", "Code promo refusé", "Mon code de fidélité n'est pas accepté au paiement.", "Le code était expiré depuis hier ; nous vous en avons créé un nouveau, valable un mois."},
		},
		answers: []answer{
			{"survey", "Votre avis sur nos livres photo", "Quelle est la qualité de la reliure de votre livre photo ?", "Très bonne, les pages sont bien à plat."},
			{"survey", "Satisfaction livraison", "La livraison est-elle arrivée à la date annoncée ?", "Oui, un jour en avance."},
			{"competition", "Concours photo « Lumière d'hiver »", "Racontez l'histoire de votre photo en une phrase.", "Le brouillard sur la Saône, un matin de janvier, juste avant que les lampadaires s'éteignent."},
			{"survey", "Nouveaux formats", "Quels formats aimeriez-vous voir dans notre boutique ?", "Des tirages carrés 30×30 et des cadres en bois clair."},
			{"competition", "Concours « Portraits de famille »", "Pourquoi cette photo compte-t-elle pour vous ?", "C'est la dernière photo de mes grands-parents ensemble dans leur jardin."},
			{"survey", "Votre avis sur le site", "Qu'est-ce qui vous a le plus gêné lors de votre dernière commande ?", "L'envoi des photos depuis mon téléphone était un peu lent."},
		},
	},
	{
		email: "oliver.hughes@example.com",
		profile: models.Profile{FirstName: "Oliver", LastName: "Hughes", Phone: "+447400123456",
			BirthDate: "1979-11-02", Gender: "male", PreferredLanguage: "en"},
		addresses: []models.Address{
			{Kind: models.AddressBilling, Line1: "Flat 4", Line2: "27 Canal Street", PostalCode: "M1 3HE", City: "Manchester", Region: "Greater Manchester", Country: "GB"},
		},
		orders: 8, photos: 5, threads: 3, logins: 8,
		cards:    []string{"5100"},
		ipPrefix: "198.51.100.",
		userAgents: []string{
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
		},
		contact: []thread{
			{"email", "Calendar dates wrong", "The 2025 calendar I ordered starts the weeks on Sunday. Can I get Monday instead?", "Sorry about that, Oliver. You can choose the first day of the week in the editor; we have reprinted your calendar with Monday."},
			{"phone", "Parcel not delivered", "Call: the tracking says delivered but the parcel is not there.", "Opened an enquiry with the delivery company; the parcel was left with a neighbour at number 25."},
			{"chat", "Invoice with VAT number", "Could I have an invoice with my company's VAT number?", "Done: the corrected invoice is in your account."},
		},
		answers: []answer{
			{"survey", "How did we do?", "How likely are you to recommend us to a friend, from 0 to 10?", "8"},
			{"competition", "Summer landscapes competition", "Where was your photo taken?", "On the Pennine Way above Edale, at sunrise."},
		},
	},
	{
		email: "lina.chen@example.com",
		profile: models.Profile{FirstName: "Li Na", LastName: "Chen", Phone: "+8613900000012",
			BirthDate: "1994-06-23", Gender: "female", PreferredLanguage: "zh-CN"},
		addresses: []models.Address{
			{Kind: models.AddressBilling, Line1: "漕溪北路 88 号 1203 室", PostalCode: "200030", City: "上海", Region: "徐汇区", Country: "CN"},
			{Kind: models.AddressDelivery, Line1: "漕溪北路 88 号 1203 室", PostalCode: "200030", City: "上海", Region: "徐汇区", Country: "CN"},
		},
		orders: 6, photos: 5, threads: 3, logins: 8,
		cards:    []string{"6210"},
		ipPrefix: "203.0.113.",
		userAgents: []string{
			"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
		},
		contact: []thread{
			{"chat", "相册封面", "我可以在相册封面上印中文标题吗？", "可以的，编辑器支持中文字体，请在封面页选择“添加文字”。"},
			{"email", "发票抬头", "请问可以修改订单发票的抬头吗？", "已为您修改，新发票已上传到您的账户。"},
			{"phone", "配送时间", "来电：询问画布订单何时送达。", "已告知预计两天内送达，并发送了物流单号。"},
		},
		answers: []answer{
			{"survey", "购物体验调查", "您对我们的冲印质量满意吗？", "非常满意，颜色很准确。"},
			{"competition", "春日摄影大赛", "请用一句话介绍您的作品。", "外婆家院子里的樱花，在雨后特别安静。"},
		},
	},
}

// product is something the demo shop sells.
type product struct {
	name       string
	priceCents int64
	maxQty     int
}

var products = []product{
	{"Photo print 10×15 cm, matt", 25, 60},
	{"Photo print 13×18 cm, glossy", 45, 30},
	{"Poster 50×70 cm", 1990, 2},
	{"Photo book A4 landscape, 40 pages", 3490, 2},
	{"Photo book 20×20 cm, 24 pages", 1990, 3},
	{"Canvas 40×60 cm", 4990, 1},
	{"Wall calendar A3", 2490, 3},
	{"Desk calendar A5", 1290, 4},
	{"Greeting cards, pack of 10", 1250, 3},
}

// providers are the payment providers, with the method each uses.
var providers = []struct{ name, method string }{
	{"Stripe", "card"}, {"Stripe", "card"}, {"Adyen", "card"}, {"PayPal", "paypal"},
}
