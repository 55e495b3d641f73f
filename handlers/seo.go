package handlers

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// sitemapLimit bounds each kind of page in sitemap.xml; the protocol allows
// 50,000 URLs per file, and a county publishes a few hundred tenders a year.
const sitemapLimit = 20000

// robots lets crawlers read the public pages and the API they render from,
// keeps them out of the signed-in areas, and names the sitemap.
func (a *API) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Type("txt", "utf-8")
	return c.SendString(strings.Join([]string{
		"User-agent: *",
		"Allow: /",
		"Disallow: /manage/",
		"Disallow: /org/",
		"Disallow: /evaluator/",
		"Disallow: /login",
		"",
		"Sitemap: " + c.BaseURL() + "/sitemap.xml",
		"",
	}, "\n"))
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	XMLNS   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapPages are the public pages of each kind of entry.
var sitemapPages = map[string]string{
	"tender":       "/tenders/",
	"organization": "/organizations/",
	"community":    "/communities/",
	"contract":     "/contracts/",
}

// sitemap lists the public pages: the fixed ones, then every public tender,
// organization with a public credit record, community and contract, from
// the database.
func (a *API) sitemap(c *fiber.Ctx) error {
	entries, err := a.store.Sitemap(c.UserContext(), sitemapLimit)
	if err != nil {
		return err
	}
	base := c.BaseURL()
	set := sitemapURLSet{XMLNS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range []string{"/", "/organizations", "/communities", "/needs", "/project-list", "/claims", "/contracts", "/stats"} {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + p})
	}
	for _, e := range entries {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + sitemapPages[e.Kind] + e.ID, LastMod: e.UpdatedAt.UTC().Format("2006-01-02")})
	}
	out, err := xml.Marshal(set)
	if err != nil {
		return fmt.Errorf("sitemap: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}
