package holdings

import "github.com/photolab/privacyportal/models"

// The standard categories, in display order. The wording follows what photo
// labs' privacy policies promise (see the design notes), written for
// customers rather than lawyers.
var categorySeeds = []categorySeed{
	{
		key:  "profile",
		name: tr{"Your profile and addresses", "Votre profil et vos adresses", "您的个人资料和地址"},
		desc: tr{
			"Your name, email address, phone number, billing and delivery addresses, date of birth, gender and preferred language.",
			"Vos nom et prénom, adresse e-mail, numéro de téléphone, adresses de facturation et de livraison, date de naissance, genre et langue préférée.",
			"您的姓名、电子邮件地址、电话号码、账单地址和收货地址、出生日期、性别和首选语言。",
		},
		retention: tr{
			"As long as your account exists. When you close it we delete it, except what the law requires us to keep.",
			"Tant que votre compte existe. Quand vous le fermez, nous le supprimons, sauf ce que la loi nous oblige à conserver.",
			"在您的账户存续期间保留。您注销账户后我们会将其删除，但法律要求我们保留的部分除外。",
		},
		retentionDays: 0,
		source: tr{
			"You, when you create your account, place an order or update your details.",
			"Vous, lorsque vous créez votre compte, passez commande ou mettez à jour vos informations.",
			"您本人：在您注册账户、下单或更新资料时提供。",
		},
		recipients: tr{
			"The delivery company (your name, delivery address and phone number, to bring your parcel) and our customer service tool.",
			"Le transporteur (vos nom, adresse de livraison et téléphone, pour vous remettre votre colis) et notre outil de service client.",
			"快递公司（您的姓名、收货地址和电话，用于投递包裹）以及我们的客户服务系统。",
		},
		customerEdits: true,
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Create and manage your account.",
				"Créer et gérer votre compte.",
				"创建和管理您的账户。"}},
			{models.BasisContract, tr{
				"Deliver your orders and contact you if there is a problem with the delivery.",
				"Livrer vos commandes et vous contacter en cas de problème de livraison.",
				"投递您的订单，并在配送出现问题时联系您。"}},
			{models.BasisContract, tr{
				"Send you service messages such as order updates, by email or text message.",
				"Vous envoyer des messages de service, comme le suivi de commande, par e-mail ou SMS.",
				"通过电子邮件或短信向您发送订单更新等服务消息。"}},
			{models.BasisLegalObligation, tr{
				"Check that you are old enough to shop online.",
				"Vérifier que vous avez l’âge requis pour acheter en ligne.",
				"确认您已达到网上购物的法定年龄。"}},
			{models.BasisLegitimateInterest, tr{
				"Prevent and detect fraud against you or us.",
				"Prévenir et détecter la fraude, contre vous ou contre nous.",
				"防止和发现针对您或我们的欺诈行为。"}},
		},
	},
	{
		key:  "orders",
		name: tr{"Orders and purchase history", "Commandes et historique d’achats", "订单和购买记录"},
		desc: tr{
			"What you ordered (prints, photo books, canvases, calendars…), when, at what price, and where the delivery stands.",
			"Ce que vous avez commandé (tirages, livres photo, toiles, calendriers…), quand, à quel prix, et où en est la livraison.",
			"您订购的商品（照片冲印、相册、画布、挂历等）、下单时间、价格以及配送状态。",
		},
		retention: tr{
			"10 years after the order, as bookkeeping law requires. We cannot erase orders earlier, even on request.",
			"10 ans après la commande, comme l’exige la loi sur la comptabilité. Nous ne pouvons pas effacer une commande plus tôt, même à votre demande.",
			"按照会计法规的要求，自下单起保留 10 年。在此之前，即使您提出要求，我们也无法删除订单。",
		},
		retentionDays: 3650,
		source: tr{
			"You, when you place an order, and the shop, as it prepares and ships it.",
			"Vous, lorsque vous passez commande, et la boutique, lorsqu’elle la prépare et l’expédie.",
			"您本人（下单时）以及本店（备货和发货时）。",
		},
		recipients: tr{
			"The photo lab that prints your order, the delivery company, and our accountants and the tax authorities when the law requires it.",
			"Le laboratoire photo qui imprime votre commande, le transporteur, ainsi que notre expert-comptable et l’administration fiscale lorsque la loi l’exige.",
			"负责冲印您订单的照片冲印厂、快递公司，以及在法律要求时我们的会计师和税务机关。",
		},
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Make and deliver what you bought, and handle returns.",
				"Fabriquer et livrer ce que vous avez acheté, et traiter les retours.",
				"制作并交付您购买的商品，处理退货。"}},
			{models.BasisLegalObligation, tr{
				"Keep our accounts as bookkeeping rules require.",
				"Tenir notre comptabilité comme la loi l’exige.",
				"按照会计规定记账。"}},
			{models.BasisLegitimateInterest, tr{
				"Find out what our customers like, to improve what we offer.",
				"Comprendre ce que nos clients aiment, pour améliorer notre offre.",
				"了解顾客的喜好，以改进我们的产品和服务。"}},
		},
	},
	{
		key:  "payments",
		name: tr{"Payment references", "Références de paiement", "支付记录"},
		desc: tr{
			"The payment provider, the method, the last four digits of your card, the amount and the date. Never your full card number: the payment provider handles it under the PCI DSS security standard.",
			"Le prestataire de paiement, le moyen de paiement, les quatre derniers chiffres de votre carte, le montant et la date. Jamais le numéro complet de votre carte : c’est le prestataire de paiement qui le traite, selon la norme de sécurité PCI DSS.",
			"支付服务商、支付方式、银行卡后四位、金额和日期。我们从不保存完整卡号：卡号由支付服务商按照 PCI DSS 安全标准处理。",
		},
		retention: tr{
			"10 years after the payment, as bookkeeping law requires.",
			"10 ans après le paiement, comme l’exige la loi sur la comptabilité.",
			"按照会计法规的要求，自付款起保留 10 年。",
		},
		retentionDays: 3650,
		source: tr{
			"A partner: the payment provider, when you pay.",
			"Un partenaire : le prestataire de paiement, lorsque vous payez.",
			"合作伙伴：您付款时由支付服务商提供。",
		},
		recipients: tr{
			"The payment provider and your bank, to take the payment or refund it.",
			"Le prestataire de paiement et votre banque, pour encaisser ou rembourser le paiement.",
			"支付服务商和您的银行，用于收款或退款。",
		},
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Take payments and make refunds.",
				"Encaisser les paiements et effectuer les remboursements.",
				"收款和退款。"}},
			{models.BasisLegitimateInterest, tr{
				"Prevent and detect payment fraud.",
				"Prévenir et détecter la fraude au paiement.",
				"防止和发现支付欺诈。"}},
			{models.BasisLegalObligation, tr{
				"Keep our accounts as bookkeeping rules require.",
				"Tenir notre comptabilité comme la loi l’exige.",
				"按照会计规定记账。"}},
		},
	},
	{
		key:  "photos",
		name: tr{"Your photos", "Vos photos", "您的照片"},
		desc: tr{
			"The photos you upload to be printed, with their file name, size and upload date.",
			"Les photos que vous envoyez pour impression, avec leur nom de fichier, leur taille et leur date d’envoi.",
			"您上传用于冲印的照片，以及文件名、大小和上传日期。",
		},
		retention: tr{
			"Destroyed 6 months after payment. Photos never ordered are deleted 6 months after upload.",
			"Détruites 6 mois après le paiement. Les photos jamais commandées sont supprimées 6 mois après leur envoi.",
			"付款 6 个月后销毁。从未下单的照片在上传 6 个月后删除。",
		},
		retentionDays: 183,
		source: tr{
			"You, when you upload them.",
			"Vous, lorsque vous les envoyez.",
			"您本人上传。",
		},
		recipients: tr{
			"The photo lab that prints them. Staff may see your photos while printing and packing them, or to fix a problem with your order.",
			"Le laboratoire photo qui les imprime. Notre personnel peut voir vos photos pendant l’impression et l’emballage, ou pour régler un problème de commande.",
			"负责冲印的照片冲印厂。工作人员在冲印、包装或处理订单问题时可能会看到您的照片。",
		},
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Print your photos and make your products.",
				"Imprimer vos photos et fabriquer vos produits.",
				"冲印您的照片并制作您的商品。"}},
			{models.BasisContract, tr{
				"Check and correct problems with your order.",
				"Vérifier et corriger les problèmes de votre commande.",
				"核查和纠正订单中的问题。"}},
		},
	},
	{
		key:  "contact",
		name: tr{"Contact history", "Historique des échanges", "联系记录"},
		desc: tr{
			"Your messages to and from our customer service, by email, phone or chat.",
			"Vos échanges avec notre service client, par e-mail, téléphone ou chat.",
			"您通过电子邮件、电话或在线聊天与我们客服的往来消息。",
		},
		retention: tr{
			"90 days, then deleted.",
			"90 jours, puis supprimé.",
			"保留 90 天，之后删除。",
		},
		retentionDays: 90,
		source: tr{
			"You, and our customer service team when it answers you.",
			"Vous, et notre service client lorsqu’il vous répond.",
			"您本人，以及回复您的客服团队。",
		},
		recipients: tr{
			"Our hosted customer service tool, which may not use your data for anything else.",
			"Notre outil de service client hébergé, qui ne peut utiliser vos données à aucune autre fin.",
			"我们托管的客户服务系统，该服务商不得将您的数据用于任何其他用途。",
		},
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Answer your questions and handle your requests.",
				"Répondre à vos questions et traiter vos demandes.",
				"回答您的问题并处理您的请求。"}},
			{models.BasisLegitimateInterest, tr{
				"Train our staff, so you get the best service when you contact us.",
				"Former notre personnel, pour que vous soyez bien servi lorsque vous nous contactez.",
				"培训我们的员工，让您在联系我们时获得最好的服务。"}},
		},
	},
	{
		key:  "surveys",
		name: tr{"Surveys and competitions", "Enquêtes et jeux-concours", "问卷调查和竞赛"},
		desc: tr{
			"Your answers when you fill in a survey or enter a competition.",
			"Vos réponses lorsque vous remplissez une enquête ou participez à un jeu-concours.",
			"您填写问卷或参加竞赛时提交的回答。",
		},
		retention: tr{
			"1 year after the survey or competition closes.",
			"1 an après la clôture de l’enquête ou du jeu-concours.",
			"问卷或竞赛结束后保留 1 年。",
		},
		retentionDays: 365,
		source: tr{
			"You, when you take part.",
			"Vous, lorsque vous participez.",
			"您本人参与时提供。",
		},
		recipients: tr{
			"Nobody outside the shop. Results are shared only anonymised and combined, so they cannot identify you.",
			"Personne en dehors de la boutique. Les résultats ne sont partagés qu’anonymisés et agrégés, sans permettre de vous identifier.",
			"不向本店以外的任何人提供。结果仅以匿名汇总的形式共享，无法识别您的身份。",
		},
		purposes: []purposeSeed{
			{models.BasisContract, tr{
				"Run the survey or competition and award prizes.",
				"Organiser l’enquête ou le jeu-concours et remettre les lots.",
				"开展问卷或竞赛并颁发奖品。"}},
			{models.BasisLegitimateInterest, tr{
				"Let you influence what we offer and how we serve you.",
				"Vous permettre d’influencer notre offre et nos services.",
				"让您有机会影响我们的产品和服务。"}},
		},
	},
	{
		key:  "logins",
		name: tr{"Sign-in and device history", "Historique des connexions et appareils", "登录和设备记录"},
		desc: tr{
			"When you signed in or changed your security settings, from which IP address, browser and type of device.",
			"Quand vous vous êtes connecté ou avez modifié vos paramètres de sécurité, depuis quelle adresse IP, quel navigateur et quel type d’appareil.",
			"您登录或更改安全设置的时间，以及所用的 IP 地址、浏览器和设备类型。",
		},
		retention: tr{
			"1 year.",
			"1 an.",
			"保留 1 年。",
		},
		retentionDays: 365,
		source: tr{
			"Your browser, when you use the portal.",
			"Votre navigateur, lorsque vous utilisez le portail.",
			"您使用本门户时由浏览器提供。",
		},
		recipients: tr{
			"Nobody outside the shop, apart from our hosting provider, which stores it for us.",
			"Personne en dehors de la boutique, hormis notre hébergeur, qui le stocke pour nous.",
			"除为我们存储数据的托管服务商外，不向本店以外的任何人提供。",
		},
		purposes: []purposeSeed{
			{models.BasisLegitimateInterest, tr{
				"Protect your account and warn you of a sign-in from a new device.",
				"Protéger votre compte et vous prévenir d’une connexion depuis un nouvel appareil.",
				"保护您的账户，并在有新设备登录时提醒您。"}},
			{models.BasisLegalObligation, tr{
				"Keep your data secure, as the law requires, and prevent misuse of our services.",
				"Assurer la sécurité de vos données, comme la loi l’exige, et empêcher tout usage abusif de nos services.",
				"按照法律要求保障您的数据安全，防止我们的服务被滥用。"}},
		},
	},
	{
		key:  "requests",
		name: tr{"Privacy requests", "Demandes relatives à vos données", "隐私请求"},
		desc: tr{
			"The requests you made about your data (a copy, a correction, an erasure…), their messages and how they were answered.",
			"Les demandes que vous avez faites au sujet de vos données (copie, rectification, effacement…), leurs messages et la réponse apportée.",
			"您就个人数据提出的请求（副本、更正、删除等）、相关消息以及我们的答复。",
		},
		retention: tr{
			"3 years after the request is closed, to show that we answered it as the law requires.",
			"3 ans après la clôture de la demande, pour prouver que nous y avons répondu comme la loi l’exige.",
			"请求结束后保留 3 年，以证明我们已依法答复。",
		},
		retentionDays: 3 * 365,
		source: tr{
			"You, or the person you authorized to ask for you, and our staff who answer.",
			"Vous, ou la personne que vous avez autorisée à agir pour vous, et notre personnel qui vous répond.",
			"您本人或您授权的代理人，以及答复您的工作人员。",
		},
		recipients: tr{
			"Nobody outside the shop.",
			"Personne en dehors de la boutique.",
			"不向本店以外的任何人提供。",
		},
		purposes: []purposeSeed{
			{models.BasisLegalObligation, tr{
				"Answer your requests about your data within the legal deadlines, and keep proof that we did.",
				"Répondre à vos demandes concernant vos données dans les délais légaux, et garder la preuve que nous l’avons fait.",
				"在法定期限内答复您关于个人数据的请求，并保留已答复的证明。"}},
		},
	},
	{
		key:  "consents",
		name: tr{"Your marketing choices", "Vos choix marketing", "您的营销偏好"},
		desc: tr{
			"Which newsletters and offers you agreed to receive, on which channel, and every change: when, how, and the wording you were shown.",
			"Les lettres d’information et offres que vous avez acceptées, sur quel canal, et chaque changement : quand, comment, et le texte qui vous était présenté.",
			"您同意接收哪些资讯和优惠、通过哪个渠道，以及每次更改的时间、方式和当时向您展示的文字。",
		},
		retention: tr{
			"As long as your account exists. The record that you withdrew a consent is kept after, without your name or address, to prove it was respected.",
			"Tant que votre compte existe. La trace d’un retrait de consentement est gardée ensuite, sans votre nom ni votre adresse, pour prouver qu’il a été respecté.",
			"在您的账户存续期间保留。撤回同意的记录此后仍会保留，但不含您的姓名或地址，以证明我们遵守了您的选择。",
		},
		source: tr{
			"You, on your preferences page, through a link in our mails, or your browser’s privacy signal.",
			"Vous, sur votre page de préférences, par un lien de nos e-mails, ou le signal de confidentialité de votre navigateur.",
			"您本人：在偏好设置页面、通过我们邮件中的链接，或浏览器发出的隐私信号。",
		},
		recipients: tr{
			"Our mailing tool receives only the list of people who agreed, per topic and channel.",
			"Notre outil d’envoi reçoit seulement la liste des personnes qui ont accepté, par sujet et par canal.",
			"我们的邮件发送工具只接收按主题和渠道同意接收的人员名单。",
		},
		purposes: []purposeSeed{
			{models.BasisConsent, tr{
				"Send you the newsletters and offers you chose, on the channels you chose.",
				"Vous envoyer les lettres d’information et offres choisies, sur les canaux choisis.",
				"通过您选择的渠道向您发送您选择的资讯和优惠。"}},
			{models.BasisLegalObligation, tr{
				"Prove that you agreed, and that we stopped when you withdrew (GDPR Art. 7(1)).",
				"Prouver que vous avez accepté, et que nous avons cessé quand vous avez retiré votre accord (RGPD art. 7, par. 1).",
				"证明您曾同意，以及在您撤回后我们已停止（GDPR 第 7 条第 1 款）。"}},
		},
	},
}
