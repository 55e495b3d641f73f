package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// config is the whole configuration, read once from the environment.
type config struct {
	DatabaseURL    string // the serving role: DML only (SPEC §8.5)
	MigrateURL     string // PORTAL_MIGRATE_DATABASE_URL: the owner, for migrate; default DatabaseURL
	ServeRole      string // PORTAL_SERVE_ROLE: the role migrate grants to; default the role of DatabaseURL
	Addr           string
	MetricsAddr    string // PORTAL_METRICS_ADDR; empty: no metrics listener
	JWTSecret      []byte
	S3             storage.ObjectConfig
	MaxUpload      int64
	Domain         tender.Config
	SealKey        string
	ReceiptKey     string
	OCIDPrefix     string
	TrustedProxies []netip.Prefix
	AutoMigrate    bool
	LogLevel       string
	DBMaxConns     int
}

// loadConfig reads and validates the PORTAL_* variables. needServer is false
// for subcommands that only touch the database.
func loadConfig(getenv func(string) string, needServer bool) (config, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	c := config{
		DatabaseURL: env("PORTAL_DATABASE_URL", ""),
		ServeRole:   env("PORTAL_SERVE_ROLE", ""),
		Addr:        env("PORTAL_ADDR", ":8080"),
		MetricsAddr: env("PORTAL_METRICS_ADDR", ""),
		JWTSecret:   []byte(getenv("PORTAL_JWT_SECRET")),
		S3: storage.ObjectConfig{
			Endpoint:  env("PORTAL_S3_ENDPOINT", "127.0.0.1:9000"),
			AccessKey: env("PORTAL_S3_ACCESS_KEY", ""),
			SecretKey: env("PORTAL_S3_SECRET_KEY", ""),
			Bucket:    env("PORTAL_S3_BUCKET", "portal"),
			Secure:    env("PORTAL_S3_SECURE", "0") == "1",
		},
		SealKey:     getenv("PORTAL_SEAL_KEY"),
		ReceiptKey:  getenv("PORTAL_RECEIPT_KEY"),
		OCIDPrefix:  env("PORTAL_OCID_PREFIX", "ocds-lsmz00-"),
		AutoMigrate: env("PORTAL_AUTO_MIGRATE", "0") == "1",
		LogLevel:    env("PORTAL_LOG_LEVEL", "info"),
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("PORTAL_DATABASE_URL is required"))
	}
	c.MigrateURL = env("PORTAL_MIGRATE_DATABASE_URL", c.DatabaseURL)
	var err error
	if c.MaxUpload, err = strconv.ParseInt(env("PORTAL_MAX_UPLOAD", strconv.Itoa(50<<20)), 10, 64); err != nil || c.MaxUpload <= 0 {
		errs = append(errs, errors.New("PORTAL_MAX_UPLOAD must be a positive number of bytes"))
	}
	if c.DBMaxConns, err = strconv.Atoi(env("PORTAL_DB_MAX_CONNS", strconv.Itoa(storage.DefaultMaxConns))); err != nil || c.DBMaxConns < 2 {
		errs = append(errs, errors.New("PORTAL_DB_MAX_CONNS must be a number of connections, at least 2"))
	}
	c.Domain = tender.DefaultConfig()
	durations := []struct {
		key string
		dst *time.Duration
	}{{"PORTAL_MIN_BID_WINDOW", &c.Domain.MinBidWindow}, {"PORTAL_MIN_PUBLICITY", &c.Domain.MinPublicity}}
	for _, d := range durations {
		if v := env(d.key, ""); v != "" {
			if *d.dst, err = time.ParseDuration(v); err != nil || *d.dst < 0 {
				errs = append(errs, fmt.Errorf("%s must be a non-negative Go duration such as 120h", d.key))
			}
		}
	}
	switch env("PORTAL_STATUTORY_WINDOWS", "1") {
	case "1":
	case "0":
		c.Domain.StatutoryWindows = false
	default:
		errs = append(errs, errors.New("PORTAL_STATUTORY_WINDOWS must be 1 (the statutory windows of §7.3 apply) or 0 (demo and tests)"))
	}
	if v := env("PORTAL_CLAIM_MAX_FEN", ""); v != "" {
		if c.Domain.ClaimMaxFen, err = strconv.ParseInt(v, 10, 64); err != nil || c.Domain.ClaimMaxFen <= 0 {
			errs = append(errs, errors.New("PORTAL_CLAIM_MAX_FEN must be a positive number of fen"))
		}
	}
	if v := env("PORTAL_PUBLIC_TENDER_FEN", ""); v != "" {
		if c.Domain.PublicTenderFen, err = strconv.ParseInt(v, 10, 64); err != nil || c.Domain.PublicTenderFen <= 0 {
			errs = append(errs, errors.New("PORTAL_PUBLIC_TENDER_FEN must be a positive number of fen"))
		}
	}
	for _, p := range strings.FieldsFunc(getenv("PORTAL_TRUSTED_PROXIES"), func(r rune) bool { return r == ',' || r == ' ' }) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is neither an address nor a CIDR", p))
				continue
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	if needServer {
		if len(c.JWTSecret) < 32 {
			errs = append(errs, errors.New("PORTAL_JWT_SECRET is required and must be at least 32 bytes"))
		}
		if c.SealKey == "" {
			errs = append(errs, errors.New("PORTAL_SEAL_KEY is required (base64 of 32 random bytes)"))
		}
		if c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			errs = append(errs, errors.New("PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY are required"))
		}
	}
	return c, errors.Join(errs...)
}
