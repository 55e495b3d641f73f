// Command compress measures what compressing an API answer costs: it fetches
// one JSON answer from a running portal (the first page of GET /api/v1/tenders
// by default, the list of bench/tenders) and times fasthttp's brotli level 4
// and gzip level 6, the levels handlers/compress.go uses, on one core.
//
//	go run ./bench/compress -url 'http://127.0.0.1:8080/api/v1/tenders?limit=20'
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"runtime"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/api/v1/tenders", "a JSON answer of the running portal")
	n := flag.Int("n", 2000, "compressions per codec")
	flag.Parse()
	runtime.GOMAXPROCS(1)

	res, err := http.Get(*url)
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %d %v", *url, res.StatusCode, err)
	}
	fmt.Printf("%s: %d bytes of %s\n", *url, len(body), res.Header.Get("Content-Type"))
	codecs := []struct {
		name string
		fn   func(dst, src []byte) []byte
	}{
		{"brotli 4", func(dst, src []byte) []byte {
			return fasthttp.AppendBrotliBytesLevel(dst, src, fasthttp.CompressBrotliDefaultCompression)
		}},
		{"gzip 6", func(dst, src []byte) []byte {
			return fasthttp.AppendGzipBytesLevel(dst, src, fasthttp.CompressDefaultCompression)
		}},
	}
	for _, c := range codecs {
		var out []byte
		for i := 0; i < 50; i++ { // warm-up
			out = c.fn(out[:0], body)
		}
		start := time.Now()
		for i := 0; i < *n; i++ {
			out = c.fn(out[:0], body)
		}
		per := time.Since(start) / time.Duration(*n)
		fmt.Printf("%-9s %6d bytes (%4.1f%%)  %8.1f µs per answer on one core\n", c.name, len(out), 100*float64(len(out))/float64(len(body)), float64(per.Nanoseconds())/1000)
	}
}
