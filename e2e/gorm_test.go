package e2e

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/weirdb/weir/internal/testserver"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The models of a small blog as a Go application declares them for GORM: a unique email,
// soft deletes, a has-one, a belongs-to, a has-many and a many-to-many association, and
// GORM's own created/updated timestamps.
type gormUser struct {
	ID        uint   `gorm:"primaryKey"`
	Name      string `gorm:"size:60;not null"`
	Email     string `gorm:"size:120;uniqueIndex;not null"`
	Age       int
	Profile   gormProfile `gorm:"foreignKey:UserID"`
	Posts     []gormPost  `gorm:"foreignKey:AuthorID"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

type gormProfile struct {
	ID     uint   `gorm:"primaryKey"`
	UserID uint   `gorm:"uniqueIndex"`
	Bio    string `gorm:"size:200"`
}

type gormPost struct {
	ID        uint          `gorm:"primaryKey"`
	AuthorID  uint          `gorm:"index;not null"`
	Title     string        `gorm:"size:150;not null"`
	Body      string        `gorm:"type:text"`
	Published bool          `gorm:"default:false"`
	Tags      []gormTag     `gorm:"many2many:gorm_post_tags;"`
	Comments  []gormComment `gorm:"foreignKey:PostID"`
	CreatedAt time.Time
}

type gormTag struct {
	ID   uint   `gorm:"primaryKey"`
	Name string `gorm:"size:40;uniqueIndex;not null"`
}

type gormComment struct {
	ID     uint   `gorm:"primaryKey"`
	PostID uint   `gorm:"index;not null"`
	Body   string `gorm:"size:500"`
	Stars  int
}

func (gormUser) TableName() string    { return "gorm_users" }
func (gormProfile) TableName() string { return "gorm_profiles" }
func (gormPost) TableName() string    { return "gorm_posts" }
func (gormTag) TableName() string     { return "gorm_tags" }
func (gormComment) TableName() string { return "gorm_comments" }

// TestGORM runs one application on GORM (gorm.io/gorm with gorm.io/driver/mysql, as
// applications use them) against Weir's server and against MariaDB, and compares what the
// application saw: AutoMigrate, creates with associations, preloads, updates, soft and hard
// deletes, a unique-key violation, and transactions that commit and roll back. MariaDB's run
// shows the application is right; Weir's must see the same.
func TestGORM(t *testing.T) {
	m := testserver.StartMariaDB(t)
	mariaSaw := gormApp(t, m.CreateDatabase(t, "gorm_app"))
	_, addr := startServer(t)
	// As a test runner does: a fresh database for the run, and the application in it
	// (GORM's migrator reads information_schema for DATABASE()'s tables).
	admin, err := sql.Open("mysql", "root@tcp("+addr+")/weir")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE gorm_app"); err != nil {
		t.Fatal(err)
	}
	weirSaw := gormApp(t, "root@tcp("+addr+")/gorm_app")
	if _, err := admin.Exec("SELECT 1 FROM gorm_users"); err == nil {
		t.Fatal("the application's tables are in the default database, not its own")
	}
	compareSaw(t, weirSaw, mariaSaw)
}

// gormApp is the application. It returns what it saw, step by step, with the values that
// depend on the clock left out.
func gormApp(t *testing.T, dsn string) map[string]any {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	dsn = cfg.FormatDSN()
	db, err := gorm.Open(gormmysql.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("gorm.Open(%s): %v", dsn, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	saw := map[string]any{}
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s (%s): %v", step, dsn, err)
		}
	}

	must("AutoMigrate", db.AutoMigrate(&gormUser{}, &gormProfile{}, &gormPost{}, &gormTag{}, &gormComment{}))
	// A second AutoMigrate finds everything in place, as on every application start.
	must("AutoMigrate again", db.AutoMigrate(&gormUser{}, &gormProfile{}, &gormPost{}, &gormTag{}, &gormComment{}))
	saw["hasTable"] = db.Migrator().HasTable(&gormPost{})
	saw["hasIndex"] = db.Migrator().HasIndex(&gormUser{}, "Email")

	ann := gormUser{Name: "ann", Email: "ann@example.com", Age: 31,
		Profile: gormProfile{Bio: "writes about databases"},
		Posts: []gormPost{
			{Title: "Dataflow", Body: "partial state", Published: true,
				Tags:     []gormTag{{Name: "databases"}, {Name: "go"}},
				Comments: []gormComment{{Body: "nice", Stars: 5}, {Body: "meh", Stars: 2}}},
			{Title: "Draft", Body: "unfinished"},
		}}
	must("create ann", db.Create(&ann).Error)
	bob := gormUser{Name: "bob", Email: "bob@example.com", Age: 25}
	must("create bob", db.Create(&bob).Error)
	saw["ids"] = []uint{ann.ID, bob.ID, ann.Profile.ID, ann.Posts[0].ID, ann.Posts[1].ID}

	dup := gormUser{Name: "ann again", Email: "ANN@example.com"}
	err = db.Create(&dup).Error
	saw["duplicateEmail"] = mysqlErrorNumber(err)

	var loaded gormUser
	must("preload", db.Preload("Profile").Preload("Posts", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).
		Preload("Posts.Tags", func(q *gorm.DB) *gorm.DB { return q.Order("name") }).
		Preload("Posts.Comments", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).
		First(&loaded, "email = ?", "ann@example.com").Error)
	saw["loaded"] = describeUser(loaded)

	var published []gormPost
	must("published", db.Where("published = ?", true).Order("id").Find(&published).Error)
	saw["published"] = postTitles(published)

	var count int64
	must("count", db.Model(&gormComment{}).Where("post_id = ?", ann.Posts[0].ID).Count(&count).Error)
	saw["comments"] = count

	must("update", db.Model(&bob).Updates(map[string]any{"age": 26, "name": "Bob"}).Error)
	var bob2 gormUser
	must("reload bob", db.First(&bob2, bob.ID).Error)
	saw["bobAfterUpdate"] = fmt.Sprintf("%s %d", bob2.Name, bob2.Age)

	// A transaction that commits: a post and its tag link appear together.
	must("commit tx", db.Transaction(func(tx *gorm.DB) error {
		p := gormPost{AuthorID: bob.ID, Title: "Bob's first", Published: true}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		var tag gormTag
		if err := tx.Where("name = ?", "go").First(&tag).Error; err != nil {
			return err
		}
		return tx.Model(&p).Association("Tags").Append(&tag)
	}))
	// A transaction that fails part way: nothing of it remains.
	errRollback := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&gormPost{AuthorID: bob.ID, Title: "never seen"}).Error; err != nil {
			return err
		}
		if err := tx.Model(&gormUser{}).Where("id = ?", bob.ID).Update("age", 99).Error; err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	saw["rollbackError"] = fmt.Sprint(errRollback)
	var titles []string
	must("titles", db.Model(&gormPost{}).Order("id").Pluck("title", &titles).Error)
	saw["titlesAfterTransactions"] = titles
	var bobAge int
	must("bob age", db.Model(&gormUser{}).Where("id = ?", bob.ID).Pluck("age", &bobAge).Error)
	saw["bobAgeAfterRollback"] = bobAge

	var goPosts []gormPost
	must("posts tagged go", db.Joins("JOIN gorm_post_tags pt ON pt.gorm_post_id = gorm_posts.id").
		Joins("JOIN gorm_tags t ON t.id = pt.gorm_tag_id").Where("t.name = ?", "go").
		Order("gorm_posts.id").Find(&goPosts).Error)
	saw["taggedGo"] = postTitles(goPosts)

	// Soft delete hides the row from GORM's queries; Unscoped sees it; a hard delete removes it.
	must("soft delete", db.Delete(&bob).Error)
	var users []gormUser
	must("users", db.Order("id").Find(&users).Error)
	saw["usersAfterSoftDelete"] = len(users)
	must("unscoped", db.Unscoped().Order("id").Find(&users).Error)
	saw["usersUnscoped"] = len(users)
	must("hard delete", db.Unscoped().Where("post_id = ?", ann.Posts[0].ID).Delete(&gormComment{}).Error)
	must("count after delete", db.Model(&gormComment{}).Count(&count).Error)
	saw["commentsAfterDelete"] = count
	return saw
}

func describeUser(u gormUser) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s <%s> %d; profile %q;", u.Name, u.Email, u.Age, u.Profile.Bio)
	for _, p := range u.Posts {
		fmt.Fprintf(&b, " post %q published=%v tags=[", p.Title, p.Published)
		for _, tg := range p.Tags {
			fmt.Fprintf(&b, "%s ", tg.Name)
		}
		b.WriteString("] comments=[")
		for _, c := range p.Comments {
			fmt.Fprintf(&b, "%s/%d ", c.Body, c.Stars)
		}
		b.WriteString("]")
	}
	return b.String()
}

func postTitles(ps []gormPost) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Title
	}
	return out
}

// mysqlErrorNumber is the MySQL error number of err, 0 for none and -1 for an error that
// did not come from the server.
func mysqlErrorNumber(err error) int {
	if err == nil {
		return 0
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return int(me.Number)
	}
	return -1
}
