package consent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type topicSeed struct {
	key, channels string
	name, desc    [3]string // en, fr, zh-CN
}

// topicSeeds are the seeds' marketing topics. Admins will manage them;
// seeding adds only the missing ones, so their edits stay.
var topicSeeds = []topicSeed{
	{"newsletter", "email", [3]string{"Newsletter", "Lettre d’information", "资讯简报"},
		[3]string{"News from the lab, photo tips and events, about once a month.", "Les nouvelles du laboratoire, des conseils photo et nos événements, environ une fois par mois.", "冲印店的新闻、摄影技巧和活动，大约每月一次。"}},
	{"catalogues", "email,post", [3]string{"Catalogues", "Catalogues", "产品目录"},
		[3]string{"Our seasonal catalogue of prints, albums and gifts.", "Notre catalogue de saison : tirages, albums et cadeaux.", "我们的季节性目录：照片冲印、相册和礼品。"}},
	{"surveys", "email,sms", [3]string{"Surveys", "Enquêtes", "问卷调查"},
		[3]string{"Short questions about your orders, to improve our service.", "De courtes questions sur vos commandes, pour améliorer notre service.", "关于您订单的简短问题，帮助我们改进服务。"}},
	{"offers", "email,sms,post", [3]string{"New products and offers", "Nouveautés et offres", "新品与优惠"},
		[3]string{"New products, discounts and vouchers.", "Nouveaux produits, remises et bons de réduction.", "新产品、折扣和优惠券。"}},
	{"partners", "email,post", [3]string{"Partner offers", "Offres de partenaires", "合作伙伴优惠"},
		[3]string{"Offers from partners we chose, sent by us: your data is not given to them.", "Des offres de partenaires choisis, envoyées par nous : vos données ne leur sont pas transmises.", "我们精选的合作伙伴优惠，由我们发送：您的数据不会提供给他们。"}},
}

func texts(t [3]string) string {
	return fmt.Sprintf(`{"en": %q, "fr": %q, "zh-CN": %q}`, t[0], t[1], t[2])
}

// SeedTopics adds the standard topics that are missing. Running it again
// changes nothing.
func SeedTopics(ctx context.Context, db *gorm.DB) error {
	now := time.Now().UTC()
	for i, t := range topicSeeds {
		row := models.ConsentTopic{Key: t.key, Sort: (i + 1) * 10, Name: texts(t.name), Description: texts(t.desc),
			Channels: t.channels, Active: true, CreatedAt: now, UpdatedAt: now}
		if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("consent: seed topics: %w", err)
		}
	}
	return nil
}

// Topics lists the active topics in display order.
func (s *Service) Topics(ctx context.Context) ([]models.ConsentTopic, error) {
	var out []models.ConsentTopic
	if err := s.DB.WithContext(ctx).Where("active = ?", true).Order("sort, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("consent: topics: %w", err)
	}
	return out, nil
}

// TopicChannels are the channels a topic may use.
func TopicChannels(t models.ConsentTopic) []string {
	var out []string
	for _, c := range strings.Split(t.Channels, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
