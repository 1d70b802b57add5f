package store

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/customer"
)

// Customers and organisations stored before migration 0024 are found by
// search once it has run: its Go step indexes them in its transaction.
func TestMigration0024IndexesExistingRecords(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteFile(t)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var ws int64
	if err := s.write.QueryRowContext(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('W', 0) RETURNING id`).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	o, err := s.CreateOrganisation(ctx, ws, customer.Organisation{Name: "Société Générale", Domain: "sg.example"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCustomer(ctx, ws, customer.Customer{Name: "Zoé Lefèvre", Email: "zoe@sg.example", OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 0024, records kept: its tables and indexes
	// dropped, its version forgotten.
	for _, stmt := range []string{`DROP TABLE customer_terms`, `DROP TABLE organisation_terms`,
		`DROP INDEX tickets_team_tier_id`, `DROP INDEX tickets_team_tier_priority`, `DROP INDEX tickets_team_tier_updated`,
		`DROP INDEX tickets_team_owner_priority`, `DROP INDEX tickets_team_owner_updated`,
		`DELETE FROM schema_migrations WHERE version = '0024_customer_search'`} {
		if _, err := s.write.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Customers(ctx, ws, "zoe lef", 0, 0, 10); err != nil || len(got) != 1 || got[0].ID != c.ID {
		t.Errorf("customer after migration: %v, %+v", err, got)
	}
	if got, err := s.Organisations(ctx, ws, "societe", 0, 10); err != nil || len(got) != 1 || got[0].ID != o.ID {
		t.Errorf("organisation after migration: %v, %+v", err, got)
	}
}
