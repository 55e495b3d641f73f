package handlers_test

import "os"

func envDB() string { return os.Getenv("PORTAL_TEST_DATABASE_URL") }
