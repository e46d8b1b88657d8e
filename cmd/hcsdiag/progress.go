package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// watchFunc reports how far a transfer that runs in the service has got: files and bytes
// written so far, and whether it could see that at all. With final set it reports the
// finished result.
type watchFunc func(final bool) (files, bytes int64, seen bool)

// progress draws one status line on a terminal, redrawn until stop; on anything else it
// draws nothing.
type progress struct {
	w     *os.File
	label string
	total int64 // of the source, measured once the line is drawn
	watch watchFunc
	start time.Time
	quit  chan struct{}
	wg    sync.WaitGroup
}

// startProgress draws the line for label on w when it is a terminal; total measures the
// source (only then, since it may walk a tree).
func startProgress(w io.Writer, label string, total func() int64, watch watchFunc) *progress {
	p := &progress{label: label, watch: watch, start: time.Now(), quit: make(chan struct{})}
	f, ok := w.(*os.File)
	if !ok || !isTerminal(int(f.Fd())) {
		return p
	}
	p.w = f
	p.wg.Add(1)
	go func() {
		p.total = total()
		p.loop()
	}()
	return p
}

// loop redraws the line. Looking at a big tree costs time, so it looks less often as the
// tree grows: never more than a quarter of the time goes to looking.
func (p *progress) loop() {
	defer p.wg.Done()
	interval := 200 * time.Millisecond
	for frame := 0; ; frame++ {
		t0 := time.Now()
		files, bytes, seen := p.watch(false)
		interval = max(200*time.Millisecond, 4*time.Since(t0))
		p.draw(p.line(frame, files, bytes, seen))
		select {
		case <-p.quit:
			return
		case <-time.After(interval):
		}
	}
}

// line is the status line for one frame.
func (p *progress) line(frame int, files, bytes int64, seen bool) string {
	elapsed := time.Since(p.start)
	clock := fmt.Sprintf("%d:%02d", int(elapsed.Minutes()), int(elapsed.Seconds())%60)
	if !seen {
		spin := `|/-\`[frame%4]
		return fmt.Sprintf("%s  %c  %s  (%s)", p.label, spin, clock, describeSize(p.total))
	}
	var b strings.Builder
	b.WriteString(p.label)
	if p.total > 0 && bytes <= p.total {
		const width = 20
		done := int(bytes * width / p.total)
		fmt.Fprintf(&b, "  [%s%s] %3d%%", strings.Repeat("#", done), strings.Repeat("-", width-done), bytes*100/p.total)
	}
	if files > 0 {
		fmt.Fprintf(&b, "  %d files", files)
	}
	rate := float64(bytes) / max(elapsed.Seconds(), 0.001)
	fmt.Fprintf(&b, "  %s  %s/s  %s  (of %s)", formatBytes(uint64(bytes)), formatBytes(uint64(rate)), clock, describeSize(p.total))
	return b.String()
}

// draw replaces the terminal's current line, cut to the terminal's width.
func (p *progress) draw(s string) {
	if _, w, ok := termSize(int(p.w.Fd())); ok && len(s) >= int(w) {
		s = s[:w-1]
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", s)
}

// stop ends the line; after a success it says what was done.
func (p *progress) stop(ok bool) {
	if p.w == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
	fmt.Fprint(p.w, "\r\x1b[K")
	if !ok {
		return
	}
	files, bytes, seen := p.watch(true)
	elapsed := time.Since(p.start)
	if !seen {
		fmt.Fprintf(p.w, "%s: done in %.1fs\n", p.label, elapsed.Seconds())
		return
	}
	rate := float64(bytes) / max(elapsed.Seconds(), 0.001)
	what := formatBytes(uint64(bytes))
	if files > 0 {
		what = fmt.Sprintf("%d files, %s", files, what)
	}
	fmt.Fprintf(p.w, "%s: %s in %.1fs (%s/s)\n", p.label, what, elapsed.Seconds(), formatBytes(uint64(rate)))
}

// stagingWatch watches an import into layer: the service writes it into a hidden staging
// folder next to it (.NAME.hcs-staging-XXXXXXXX, docs/layers.md) and renames that into
// place at the end.
func stagingWatch(layer string) watchFunc {
	dir, base := filepath.Dir(layer), filepath.Base(layer)
	if len(base) > 200 {
		base = base[:200]
	}
	prefix := "." + base + ".hcs-staging-"
	return func(final bool) (int64, int64, bool) {
		if final {
			files, size := walkSize(layer)
			return files, size, files > 0
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0, 0, false
		}
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
				files, size := walkSize(filepath.Join(dir, e.Name()))
				return files, size, true
			}
		}
		return 0, 0, false
	}
}

// exportWatch watches an export into folder: the service writes a hidden temporary file
// there and renames it to layer.tar at the end.
func exportWatch(folder string) watchFunc {
	return func(final bool) (int64, int64, bool) {
		if final {
			st, err := os.Stat(filepath.Join(folder, "layer.tar"))
			if err != nil {
				return 0, 0, false
			}
			return 0, st.Size(), true
		}
		entries, err := os.ReadDir(folder)
		if err != nil {
			return 0, 0, false
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".layer.tar.") {
				if info, err := e.Info(); err == nil {
					return 0, info.Size(), true
				}
			}
		}
		return 0, 0, false
	}
}

// formatBytes shows a byte count in binary units: 512 B, 1.5 KiB, 12.3 MiB.
func formatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
