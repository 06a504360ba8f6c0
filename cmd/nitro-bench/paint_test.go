package main

import "testing"

func TestParseWrk(t *testing.T) {
	out := `Running 10s test @ http://127.0.0.1:40000/page
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.76ms    1.02ms  20.33ms   80.11%
    Req/Sec    14.23k     1.01k   16.50k    71.00%
  Latency Distribution
     50%  820.00us
     75%    2.10ms
     90%    2.90ms
     99%    1.20s
  283201 requests in 10.00s, 1.50GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  28320.10
Transfer/sec:    153.12MB
`
	w, err := parseWrk([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{requests: 283201, seconds: 10, p50: 820, p90: 2900, p99: 1.2e6, max: 20330, errors: 12}
	if w != want {
		t.Errorf("parseWrk = %+v, want %+v", w, want)
	}
	if _, err := parseWrk([]byte("unable to connect to 127.0.0.1:1 Connection refused\n")); err == nil {
		t.Error("no result: no error")
	}
}

func TestWrkDuration(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{{"820.00us", 820, true}, {"1.55ms", 1550, true}, {"2.00s", 2e6, true}, {"1.00m", 60e6, true}, {"fast", 0, false}}
	for _, tt := range tests {
		if got, ok := wrkDuration(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("wrkDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
