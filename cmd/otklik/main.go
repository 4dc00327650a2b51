// Command otklik runs the Otklik platform; see 'otklik help'.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/otklik/otklik/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
