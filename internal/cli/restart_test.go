package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector/webhook"
	"github.com/otklik/otklik/internal/store"
)

// TestMain lets a test start this test binary as the real server in a child process (OTKLIK_TEST_CHILD=serve),
// so that it can be killed with SIGKILL like a crashed production process.
func TestMain(m *testing.M) {
	if os.Getenv("OTKLIK_TEST_CHILD") == "serve" {
		args := strings.Split(os.Getenv("OTKLIK_TEST_ARGS"), "\x1f")
		os.Exit(Run(context.Background(), args, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type child struct {
	cmd  *exec.Cmd
	addr string
	log  *bytes.Buffer
}

func startChild(t *testing.T, db, addr string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.Env = append(os.Environ(), "OTKLIK_TEST_CHILD=serve",
		"OTKLIK_TEST_ARGS="+strings.Join([]string{"serve", "--db", db, "--addr", addr, "--tick", "1h", "--log-level", "warn"}, "\x1f"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, addr: addr, log: &log}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("the server did not come up:\n%s", log.String())
	return nil
}

func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
}

// deliver posts one signed webhook delivery; it reports whether the server acknowledged it.
func deliver(client *http.Client, addr, id string) (bool, error) {
	body := []byte(fmt.Sprintf(`{"messages":[{"external_id":%q,"author_id":"a-%s","text":"Сообщение номер %s: во дворе не убран снег, прошу принять меры"}]}`, id, id, id))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hooks/webhook/crm", bytes.NewReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign("hmac-key", body))
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

// TestRestartLosesNothing: a server ingesting over HTTP is killed with SIGKILL mid-stream; after a restart every
// acknowledged message is stored exactly once, and the sender's retries of everything it sent (acknowledged or
// not) add no duplicates.
func TestRestartLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server twice")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "otklik.db")
	seedRegion(t, db)
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutSource(ctx, store.Source{Code: "crm", Kind: "webhook", Enabled: true, Config: store.SourceConfig{Secret: "hmac-key"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	addr := freePort(t)
	srv := startChild(t, db, addr)
	client := &http.Client{Timeout: 10 * time.Second}
	const senders, killAfter = 4, 120
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		sent  = map[string]bool{}
		wg    sync.WaitGroup
	)
	killed := make(chan struct{})
	var once sync.Once
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("m-%d-%d", s, i)
				mu.Lock()
				sent[id] = true
				mu.Unlock()
				ok, err := deliver(client, addr, id)
				if err != nil {
					return // the server is gone
				}
				if ok {
					mu.Lock()
					acked[id] = true
					n := len(acked)
					mu.Unlock()
					if n >= killAfter {
						once.Do(func() { srv.kill(); close(killed) })
					}
				}
				select {
				case <-killed:
					return
				default:
				}
			}
		}(s)
	}
	wg.Wait()
	t.Logf("killed the server after %d acknowledgements, %d messages sent", len(acked), len(sent))

	srv = startChild(t, db, addr)
	defer srv.kill()
	// The sender retries everything it ever sent: acknowledged ones too, as a sender that lost the answer would.
	for id := range sent {
		ok, err := deliver(client, addr, id)
		if err != nil || !ok {
			t.Fatalf("retry of %s after the restart: ok=%v err=%v", id, ok, err)
		}
	}
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id := range acked {
		if _, err := st.Message(ctx, "crm", id); err != nil {
			t.Errorf("acknowledged message %s lost: %v", id, err)
		}
	}
	msgs, _ := st.CountRows(ctx, "messages")
	incidents, _ := st.CountRows(ctx, "incidents")
	if msgs != len(sent) || incidents != len(sent) {
		t.Fatalf("%d messages and %d incidents stored for %d distinct messages sent", msgs, incidents, len(sent))
	}
}
