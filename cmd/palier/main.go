// Command palier is the Palier helpdesk: one binary for the server and its
// tools.
//
//	palier serve [--addr 127.0.0.1:8080] [--data DIR] [--database-url URL] [--demo]
//	palier migrate
//	palier user create --email E --name N --role admin|lead|agent|collaborator [--tiers L1,L2]
//	palier user unlock --email E
//	palier token create --email E [--name NAME] [--expires 90d]
//	palier token list [--email E]
//	palier token revoke --id N
//	palier simulate --scenario FILE [--compare FILE] …
//	palier bench-data --tickets N
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Palier — tiered and swarming customer support.

Usage:
  palier serve      run the server (SQLite by default; --database-url postgres://… for PostgreSQL)
  palier migrate    apply database migrations and exit
  palier user       manage accounts (palier user create --email E --name N --role admin|lead|agent|collaborator;
                    palier user unlock --email E lifts the sign-in wait after failed attempts)
  palier token      API tokens (palier token create --email E [--expires 90d]; token list; token revoke --id N)
  palier simulate   compare tiered, swarming and hybrid staffing (see examples/)
  palier bench-data load N generated tickets for benchmarks
  palier version    print the version

Every command takes --data DIR (default ./data) and --database-url URL
(or the PALIER_DATABASE_URL environment variable). Run "palier COMMAND -h" for details.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "palier:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "user":
		return userCommand(ctx, rest, stdin, stdout, stderr)
	case "token":
		return tokenCommand(ctx, rest, stdout, stderr)
	case "simulate":
		return simulate(ctx, rest, stdout, stderr)
	case "bench-data":
		return benchData(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "palier", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
