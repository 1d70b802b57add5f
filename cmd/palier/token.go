package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

const tokenUsage = `usage: palier token create --email E [--name NAME] [--expires 90d]
       palier token list [--email E]
       palier token revoke --id N`

func tokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevoke(ctx, args[1:], stdout, stderr)
	}
	return errors.New(tokenUsage)
}

// tokenCreate prints the new token's secret alone on stdout (so
// TOKEN=$(palier token create …) works) and its id on stderr.
func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("token create", stderr)
	email := fs.String("email", "", "the account the token acts as")
	name := fs.String("name", "cli", "a name to recognise the token by")
	expires := fs.String("expires", "", `lifetime, e.g. 90d, 12h, 2w, 1y (default: never)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	life, err := desk.ParseLifetime(*expires)
	if err != nil {
		return fmt.Errorf("--expires: %w", err)
	}
	if life > desk.MaxTokenLifetime {
		return fmt.Errorf("--expires: at most %d days", int(desk.MaxTokenLifetime.Hours()/24))
	}
	if *name == "" || len([]rune(*name)) > 100 {
		return errors.New("--name: 1 to 100 characters")
	}
	s, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	wsID, m, err := memberByEmail(ctx, s, *email)
	if err != nil {
		return err
	}
	secret, err := auth.NewSecret("plr_")
	if err != nil {
		return err
	}
	n := store.NewAPIToken{AgentID: m.ID, Name: *name, Secret: secret}
	if life > 0 {
		n.ExpiresAt = time.Now().Add(life)
	}
	t, err := s.IssueAPIToken(ctx, wsID, 0, n)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token %d %q for %s%s\n", t.ID, t.Name, m.Email, expirySuffix(t.ExpiresAt))
	return nil
}

func expirySuffix(t time.Time) string {
	if t.IsZero() {
		return ", never expires"
	}
	return ", expires " + t.Format(time.RFC3339)
}

func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("token list", stderr)
	email := fs.String("email", "", "only this account's tokens (default: every account's)")
	return db.run(ctx, fs, args, func(s *store.Store) error {
		var wsID, agentID int64
		if *email != "" {
			id, m, err := memberByEmail(ctx, s, *email)
			if err != nil {
				return err
			}
			wsID, agentID = id, m.ID
		} else {
			ws, err := s.FirstWorkspace(ctx)
			if err != nil {
				return err
			}
			wsID = ws.ID
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tACCOUNT\tEXPIRES\tLAST USED\tREVOKED")
		var before int64
		for {
			page, err := s.APITokens(ctx, wsID, agentID, before, 500)
			if err != nil {
				return err
			}
			for _, t := range page {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.AgentEmail, orDash(t.ExpiresAt), orDash(t.LastUsedAt), orDash(t.RevokedAt))
				before = t.ID
			}
			if len(page) < 500 {
				return tw.Flush()
			}
		}
	})
}

func orDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func tokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("token revoke", stderr)
	id := fs.Int64("id", 0, "the token's id (see palier token list)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("--id: required (see palier token list)")
	}
	s, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	wsID, err := s.TokenWorkspace(ctx, *id)
	if err != nil {
		return fmt.Errorf("no token with id %d: %w", *id, err)
	}
	t, err := s.RevokeAPIToken(ctx, wsID, 0, *id)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %d %q of %s\n", t.ID, t.Name, t.AgentEmail)
	return nil
}
