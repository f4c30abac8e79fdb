#!/usr/bin/env python3
"""Benchmarks hivegen against reference tools, side by side, and writes BENCHMARKS.md.

Run on demand (not part of the test suite):   python3 bench/run.py [--sizes 20000,100000] [--runs 5]

What it measures, each as the median of --runs runs after one warm-up (warm cache), with
peak resident memory from /usr/bin/time (one extra run):
  - `hivegen anchors` and `hivegen verify` on a Phase D repo holding a synthetic tree
    (../shared/bench/mkrepo.py), against `rg -c 'SECTION:'` on the same tree (the floor:
    read and match every file) and `cog --check` on the cog twin of the tree;
  - `hivegen verify --base REV` where 10 files changed, against `git diff --name-status REV`;
  - `hivegen phase d` on a fresh scaffold, start to exit.
It installs what it compares against: ripgrep (apt-get, else cargo install) and cogapp (pip,
into target/bench-venv).
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
MKREPO = ROOT.parent / "shared" / "bench" / "mkrepo.py"
HIVEGEN = ROOT / "target" / "release" / "hivegen"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_tools():
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    if not shutil.which("rg"):
        if shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-q", "ripgrep"], stdout=subprocess.DEVNULL)
        if not shutil.which("rg"):
            sh(["cargo", "install", "--quiet", "ripgrep"])
    venv = ROOT / "target" / "bench-venv"
    cog = venv / "bin" / "cog"
    if not cog.exists():
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin" / "pip"), "install", "-q", "cogapp==3.6.0"])
    return shutil.which("rg") or str(Path.home() / ".cargo" / "bin" / "rg"), str(cog)


def measure(cmd, runs, cwd=None, prepare=None, ok=(0,)):
    """Median wall time (s) over `runs` runs after a warm-up, and peak RSS (KiB).

    The times are of the command alone; the peak memory comes from one more run under
    /usr/bin/time (whose own start-up would otherwise count in the times; and the rusage of a
    child of this Python process would count Python's memory from before the exec)."""
    times = []
    for i in range(runs + 1):
        if prepare:
            prepare()
        start = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if p.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]!r}")
        if i > 0:  # the first run warms the cache
            times.append(elapsed)
    if prepare:
        prepare()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = int(p.stderr.strip().splitlines()[-1])
    return statistics.median(times), peak


def make_tree(n):
    out = WORK / f"tree-{n}"
    if not (out / "manifest.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        sh([sys.executable, str(MKREPO), "--files", str(n), "--out", str(out), "--variant", "both"],
           stdout=subprocess.DEVNULL)
    return out


def make_repo(n, tree):
    """A Phase D repo holding the synthetic tree under lib/, committed to git."""
    repo = WORK / f"repo-{n}"
    if (repo / ".git").exists():
        sh(["git", "checkout", "-q", "--", "."], cwd=repo)
        sh(["git", "clean", "-qfd", "--exclude=lib/node_modules"], cwd=repo)
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    sh(["git", "init", "-q", str(repo)])
    sh([str(HIVEGEN), "-q", "phase", "c", "--repo", str(repo)])
    sh([str(HIVEGEN), "-q", "phase", "d", "--repo", str(repo)])
    shutil.copytree(tree / "anchors", repo / "lib", symlinks=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="bench",
               GIT_COMMITTER_EMAIL="b@x")
    sh(["git", "add", "-A"], cwd=repo)
    sh(["git", "commit", "-q", "-m", "base"], cwd=repo, env=env)
    return repo


def touch_ten(repo, tree):
    """Changes 10 anchor-bearing files of lib/ inside their anchor bodies (as a later phase would)."""
    files = [Path(p) for p in (tree / "anchors.list").read_text().split()][:10]
    for f in files:
        rel = f.relative_to(tree / "anchors")
        p = repo / "lib" / rel
        text = p.read_text()
        marker = text.index("-->\n") + 4  # end of the first begin marker line
        p.write_text(text[:marker] + "    changed = 1\n" + text[marker:])


def fmt_row(name, t, peak, ref=None):
    ratio = f"{t / ref:.2f}×" if ref else "1.00× (reference)"
    return f"| {name} | {t * 1000:.1f} ms | {ratio} | {peak / 1024:.1f} MiB |"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,100000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rg, cog = ensure_tools()
    sections = []
    targets = []  # (what, measured, target, met)
    for n in [int(s) for s in args.sizes.split(",")]:
        tree = make_tree(n)
        repo = make_repo(n, tree)
        rows = [f"### {n:,} files (+2,000 in a skipped node_modules/)", "",
                "| command | median | ratio | peak memory |", "|---|---|---|---|"]
        t_rg, m_rg = measure([rg, "-c", "SECTION:", "lib"], args.runs, cwd=repo, ok=(0, 1))
        rows.append(fmt_row("`rg -c 'SECTION:' lib`", t_rg, m_rg))
        t, m = measure([str(HIVEGEN), "anchors", "--format", "json"], args.runs, cwd=repo)
        rows.append(fmt_row("`hivegen anchors`", t, m, t_rg))
        targets.append((f"`anchors` vs rg, {n:,} files", f"{t / t_rg:.2f}×", "≤ 1.5×", t / t_rg <= 1.5))
        targets.append((f"`anchors` peak memory, {n:,} files", f"{m / 1024:.1f} MiB", "< 64 MiB", m < 64 * 1024))
        t, m = measure([str(HIVEGEN), "verify"], args.runs, cwd=repo, ok=(0, 1))
        rows.append(fmt_row("`hivegen verify`", t, m, t_rg))
        targets.append((f"`verify` vs rg, {n:,} files", f"{t / t_rg:.2f}×", "≤ 1.5×", t / t_rg <= 1.5))
        targets.append((f"`verify` peak memory, {n:,} files", f"{m / 1024:.1f} MiB", "< 64 MiB", m < 64 * 1024))
        cog_runs = max(1, min(args.runs, 3))
        t_cog, m_cog = measure([cog, "--check", f"@{tree / 'cog.list'}"], cog_runs, cwd=tree / "cog")
        rows.append(fmt_row("`cog --check` (cog twin)", t_cog, m_cog, t_rg))
        rows.append("")
        touch_ten(repo, tree)
        rows += ["| change of 10 files | median | ratio | peak memory |", "|---|---|---|---|"]
        t_git, m_git = measure(["git", "diff", "--name-status", "HEAD"], args.runs, cwd=repo)
        rows.append(fmt_row("`git diff --name-status HEAD`", t_git, m_git))
        t, m = measure([str(HIVEGEN), "verify", "--base", "HEAD"], args.runs, cwd=repo, ok=(0, 1))
        rows.append(fmt_row("`hivegen verify --base HEAD`", t, m, t_git))
        targets.append((f"`verify --base` vs git diff, 10 of {n:,} files changed", f"{t / t_git:.2f}×", "≤ 2×",
                        t / t_git <= 2))
        sh(["git", "checkout", "-q", "--", "."], cwd=repo)
        rows.append("")
        sections.append("\n".join(rows))
    scaffold = WORK / "scaffold"
    shutil.rmtree(scaffold, ignore_errors=True)
    sh([str(HIVEGEN), "-q", "phase", "c", "--repo", str(scaffold)])
    fresh = WORK / "fresh"

    def prepare():
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(scaffold, fresh)
        # Flush the copy (and whatever earlier steps left dirty): hivegen fsyncs what it
        # writes, and should not be timed flushing the harness's own writes.
        os.sync()

    t_d, m_d = measure([str(HIVEGEN), "-q", "phase", "d", "--repo", str(fresh)], args.runs, prepare=prepare)
    targets.append(("`phase d` on a fresh scaffold", f"{t_d * 1000:.1f} ms", "< 20 ms", t_d < 0.020))
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    versions = {
        "hivegen": subprocess.run([str(HIVEGEN), "--version"], capture_output=True, text=True).stdout.strip(),
        "rg": subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        "cog": subprocess.run([cog, "-v"], capture_output=True, text=True).stdout.strip(),
        "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
    }
    report = [
        "# Benchmarks",
        "",
        "Made by `python3 bench/run.py` (reproduce with the same command; it installs ripgrep and",
        "cogapp, generates the trees with `../shared/bench/mkrepo.py`, and rewrites this file).",
        f"Medians of {args.runs} runs after one warm-up, warm cache; peak memory is the maximum RSS",
        "of one more run, under `/usr/bin/time -f %M`. Ratios are against the reference row of",
        "each table.",
        "",
        f"Machine: {os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}.",
        "Tools: " + "; ".join(f"{k}: {v}" for k, v in versions.items()) + ".",
        "",
        *sections,
        "### Phase D on a fresh scaffold",
        "",
        f"`hivegen phase d` (start to exit, all 22 fills, atomic writes with fsync): "
        f"{t_d * 1000:.1f} ms, peak {m_d / 1024:.1f} MiB.",
        "",
        "### Against the targets",
        "",
        "| what | measured | target | met |",
        "|---|---|---|---|",
        *[f"| {w} | {v} | {t} | {'yes' if ok else '**no**'} |" for w, v, t, ok in targets],
        "",
    ]
    # Keep the hand-written sections (## Fuzzing, …) of the previous report.
    out = ROOT / "BENCHMARKS.md"
    kept = ""
    if out.exists():
        previous = out.read_text()
        at = previous.find("\n## Fuzzing")
        kept = previous[at:] if at >= 0 else ""
    out.write_text("\n".join(report) + kept)
    print("\n".join(report))


if __name__ == "__main__":
    main()
