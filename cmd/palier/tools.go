package main

import (
	"context"
	"fmt"
	"io"

	"github.com/palier/palier/internal/sim"
)

func simulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return sim.Main(ctx, args, stdout, stderr, nil)
}

func benchData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return fmt.Errorf("bench-data: not wired yet")
}
