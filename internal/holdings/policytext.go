package holdings

// demoPolicy is the fictional demo shop’s privacy policy, in Markdown.
var demoPolicy = tr{
	en: `# Privacy policy of Lumen & Grain Photo Lab

*Version V.100000002, in force since 15 January 2025.*

We print your photos, so we look after some of your personal data. This page says what we hold, why, for how long and who else sees it. You can see all of it, correct it and download a copy in your privacy portal.

## What we hold and why

| What | Why | Lawful basis |
|---|---|---|
| Your profile: name, email, phone, addresses, date of birth, language | Manage your account, deliver your orders, send order updates, check you are old enough to shop online | Contract; legal obligation |
| Orders and purchase history | Make and deliver what you bought, handle returns, keep our accounts | Contract; legal obligation |
| Payment references (provider, last four digits — never your card number) | Take payments, refund them, prevent fraud | Contract; legitimate interest |
| Your photos | Print them and fix problems with your order | Contract |
| Contact history | Answer your questions, train our staff | Contract; legitimate interest |
| Survey and competition answers | Run surveys and competitions, improve our offer | Contract; legitimate interest |
| Sign-in and device history | Protect your account | Legitimate interest |
| Newsletter choices | Send you news only if you asked for it | Consent |

## How long we keep it

- Photos are destroyed **6 months after payment**.
- Contact history is kept **90 days**.
- Orders and payment references are kept **10 years**, as bookkeeping law requires. We cannot erase them earlier, nor data needed for an unsettled debt.
- Your profile is kept as long as your account exists.

## Who else sees it

We never sell your data. We share only what each partner needs: the **payment provider** (card payments are handled under PCI DSS), the **photo lab** that prints your order, the **delivery company**, and our **customer service tool**. Staff may see your photos while printing and packing them.

## Your rights

You can see what we hold about you at any time, free of charge, correct it, download it, withdraw your consent to marketing, and ask us to erase it. To protect you, we may ask you to prove who you are before we answer. Service messages about your orders cannot be switched off while an order is open; marketing can, at any time.
`,
	fr: `# Politique de confidentialité de Lumen & Grain Photo Lab

*Version V.100000002, en vigueur depuis le 15 janvier 2025.*

Nous imprimons vos photos : nous prenons donc soin de certaines de vos données personnelles. Cette page indique ce que nous conservons, pourquoi, combien de temps et qui d’autre y a accès. Vous pouvez tout consulter, corriger et télécharger dans votre portail de confidentialité.

## Ce que nous conservons et pourquoi

| Quoi | Pourquoi | Base légale |
|---|---|---|
| Votre profil : nom, e-mail, téléphone, adresses, date de naissance, langue | Gérer votre compte, livrer vos commandes, vous informer de leur suivi, vérifier que vous avez l’âge d’acheter en ligne | Contrat ; obligation légale |
| Commandes et historique d’achats | Fabriquer et livrer vos achats, traiter les retours, tenir notre comptabilité | Contrat ; obligation légale |
| Références de paiement (prestataire, quatre derniers chiffres — jamais le numéro de carte) | Encaisser, rembourser, prévenir la fraude | Contrat ; intérêt légitime |
| Vos photos | Les imprimer et régler les problèmes de commande | Contrat |
| Historique des échanges | Répondre à vos questions, former notre personnel | Contrat ; intérêt légitime |
| Réponses aux enquêtes et jeux-concours | Organiser enquêtes et jeux, améliorer notre offre | Contrat ; intérêt légitime |
| Historique des connexions et appareils | Protéger votre compte | Intérêt légitime |
| Choix de lettres d’information | Vous envoyer nos nouveautés seulement si vous l’avez demandé | Consentement |

## Combien de temps

- Les photos sont détruites **6 mois après le paiement**.
- L’historique des échanges est conservé **90 jours**.
- Les commandes et références de paiement sont conservées **10 ans**, comme l’exige la loi sur la comptabilité. Nous ne pouvons pas les effacer plus tôt, ni les données liées à une dette impayée.
- Votre profil est conservé tant que votre compte existe.

## Qui d’autre y a accès

Nous ne vendons jamais vos données. Nous ne partageons que ce dont chaque partenaire a besoin : le **prestataire de paiement** (les paiements par carte sont traités selon la norme PCI DSS), le **laboratoire photo** qui imprime votre commande, le **transporteur** et notre **outil de service client**. Notre personnel peut voir vos photos pendant l’impression et l’emballage.

## Vos droits

Vous pouvez à tout moment consulter gratuitement ce que nous conservons, le corriger, le télécharger, retirer votre consentement à la prospection et nous demander de l’effacer. Pour vous protéger, nous pouvons vous demander de justifier de votre identité avant de répondre. Les messages de service liés à une commande en cours ne peuvent pas être désactivés ; la prospection, si, à tout moment.
`,
	zh: `# Lumen & Grain Photo Lab 隐私政策

*版本 V.100000002，自 2025 年 1 月 15 日起生效。*

我们为您冲印照片，因此会保管您的部分个人数据。本页说明我们保存哪些数据、为什么保存、保存多久以及还有谁能看到。您可以在隐私门户中查看全部数据、更正数据并下载副本。

## 我们保存什么，为什么

| 数据 | 用途 | 法律依据 |
|---|---|---|
| 个人资料：姓名、电子邮件、电话、地址、出生日期、语言 | 管理账户、配送订单、发送订单更新、确认您已达到网上购物的法定年龄 | 合同；法定义务 |
| 订单和购买记录 | 制作并交付商品、处理退货、记账 | 合同；法定义务 |
| 支付记录（服务商、卡号后四位——从不保存完整卡号） | 收款、退款、防止欺诈 | 合同；正当利益 |
| 您的照片 | 冲印照片、处理订单问题 | 合同 |
| 联系记录 | 回答您的问题、培训员工 | 合同；正当利益 |
| 问卷和竞赛回答 | 开展问卷和竞赛、改进产品 | 合同；正当利益 |
| 登录和设备记录 | 保护您的账户 | 正当利益 |
| 新闻邮件偏好 | 仅在您订阅后向您发送资讯 | 同意 |

## 保存多久

- 照片在**付款 6 个月后**销毁。
- 联系记录保留 **90 天**。
- 订单和支付记录按照会计法规保留 **10 年**。在此之前我们无法删除，与未结清债务相关的数据亦然。
- 个人资料在您的账户存续期间保留。

## 还有谁能看到

我们绝不出售您的数据。我们只向合作伙伴提供其必需的数据：**支付服务商**（银行卡支付按 PCI DSS 标准处理）、冲印您订单的**照片冲印厂**、**快递公司**以及我们的**客户服务系统**。工作人员在冲印和包装时可能会看到您的照片。

## 您的权利

您可以随时免费查看我们保存的关于您的数据，更正、下载这些数据，撤回对营销信息的同意，并要求我们删除数据。为保护您，我们可能会在答复前要求您证明身份。进行中订单的服务消息无法关闭；营销信息可随时退订。
`,
}
