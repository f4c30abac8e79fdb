#!/usr/bin/env python3
"""Benchmarks hivegen against reference tools, side by side, and writes BENCHMARKS.md.

Run on demand (not part of the test suite):   python3 bench/run.py [--sizes 20000,100000] [--runs 5]

What it measures, each as the median of --runs runs after one warm-up (warm cache), with
peak resident memory from /usr/bin/time (one extra run):
  - `hivegen anchors` and `hivegen verify` on a Phase D repo holding a synthetic tree
    (../shared/bench/mkrepo.py), against `rg -c 'SECTION:'` on the same tree (the floor:
    read and match every file) and `cog --check` on the cog twin of the tree;
  - `hivegen verify --base REV` where 10 files changed, against `git diff --name-status REV`;
  - `hivegen verify --base HEAD` on one changed file of 20,000 comment lines, and one of 20,000
    code lines (and 10,000, to show the cost is linear), against `rg -c SECTION:` on that file;
  - `hivegen guard` on a Write payload in a scaffold repository, against `git status --porcelain`;
  - `hivegen phase d` on a fresh scaffold, start to exit.
Each comparison runs as interleaved pairs (reference, hivegen, reference, hivegen, ...) and
reports the median of the per-pair ratios: separate medians taken minutes apart carry the
machine's drift into the ratio.
It installs what it compares against: ripgrep (apt-get, else cargo install) and cogapp (pip,
into target/bench-venv).
"""
import argparse
import json
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
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="bench",
               GIT_COMMITTER_EMAIL="b@x")


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


def once(cmd, cwd=None, ok=(0,), stdin=None):
    """Wall time (s) of one run."""
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if p.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stderr[-2000:]!r}")
    return elapsed


def peak(cmd, cwd=None, stdin=None):
    """Peak RSS (KiB) of one run under /usr/bin/time."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, input=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(p.stderr.decode().strip().splitlines()[-1])


def pair(ref, cmd, runs, cwd=None, ok=(0,), ref_ok=(0,), stdin=None):
    """`cmd` against `ref`, as interleaved pairs after one warm-up pair.

    Returns (ref median, ref peak, cmd median, cmd peak, median of the per-pair ratios)."""
    once(ref, cwd, ref_ok)
    once(cmd, cwd, ok, stdin)
    refs, cmds, ratios = [], [], []
    for _ in range(runs):
        r = once(ref, cwd, ref_ok)
        c = once(cmd, cwd, ok, stdin)
        refs.append(r)
        cmds.append(c)
        ratios.append(c / r)
    return (statistics.median(refs), peak(ref, cwd), statistics.median(cmds), peak(cmd, cwd, stdin),
            statistics.median(ratios))


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
    sh([str(HIVEGEN), "phase", "c", "-q", "--repo", str(repo)])
    sh([str(HIVEGEN), "phase", "d", "-q", "--repo", str(repo)])
    shutil.copytree(tree / "anchors", repo / "lib", symlinks=True)
    sh(["git", "add", "-A"], cwd=repo)
    sh(["git", "commit", "-q", "-m", "base"], cwd=repo, env=GIT_ENV)
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


def fmt_row(name, t, peak, ratio=None):
    ratio = f"{ratio:.2f}×" if ratio is not None else "1.00× (reference)"
    return f"| {name} | {t * 1000:.1f} ms | {ratio} | {peak / 1024:.1f} MiB |"


def scaffold_repo(path):
    """A fresh Phase C scaffold at `path`, committed to git."""
    shutil.rmtree(path, ignore_errors=True)
    sh(["git", "init", "-q", str(path)])
    sh([str(HIVEGEN), "phase", "c", "-q", "--repo", str(path)])
    sh(["git", "add", "-A"], cwd=path)
    sh(["git", "commit", "-q", "-m", "Phase C"], cwd=path, env=GIT_ENV)
    return path


END = "# <!-- /SECTION:STRUCTURE -->"
TANGLE = 'x = """\n' + "".join(f"#{q} + {r}\n" for q, r in [('"""', "'''"), ("'''", '"""')] * 10) + '#"""\n'
USER = "backend/app/models/user.py"


def linear_section(runs, rg):
    """One changed file of comment lines, then of code lines, in a scaffold: verify --base
    against rg on the same file, at 10,000 and 20,000 lines (the cost must be linear)."""
    repo = scaffold_repo(WORK / "linear")
    scaffold = (repo / USER).read_text()
    rows = ["### One changed file of many lines", "",
            "`hivegen verify --base HEAD` in a scaffold whose `backend/app/models/user.py` anchor holds",
            "N added lines, against `rg -c SECTION:` on that file. The 20,000/10,000 time ratio shows",
            "the cost is linear (2.00 is linear; quadratic would be 4); forbidden lines are each a finding.", "",
            "| lines | rg | hivegen | ratio to rg | hivegen peak memory |", "|---|---|---|---|---|"]
    targets = []
    lines = {
        "comment": lambda i: f"# note {i}: what this column means, and why it is kept as it is\n",
        "code": lambda i: f"value_{i} = {i} + len('some text to make the line longer')\n",
        # A string opened, then comment lines with quotes in them (the first ends the string, as
        # Python reads it): each one a line the parser might have to read again.
        "quoted comment": lambda i: ('NOTE = """\n' if i == 0 else "")
        + f'# note {i}: it\'s "what" this column means """\n',
        # Strings each opened on the comment line closing the last, 20 of them, then quoted
        # comment lines: more links than hivegen reads make the file one finding (giving back
        # every quoted line instead was a parse of 64 s at 20,000 lines).
        "tangled": lambda i: (TANGLE if i == 0 else "") + f'# note {i}: it\'s "what" this means\n',
        # Every line a finding (D-ORM-RELATIONSHIP): the cost of reporting must be linear too.
        "forbidden": lambda i: ("from sqlalchemy.orm import relationship\n" if i == 0 else "")
        + f"r_{i} = relationship('Project{i}')\n",
    }
    for kind, line in lines.items():
        medians = {}
        for n in (10_000, 20_000):
            (repo / USER).write_text(scaffold.replace(END, "".join(line(i) for i in range(n)) + END))
            t_rg, _, t, m, ratio = pair([rg, "-c", "SECTION:", USER],
                                        [str(HIVEGEN), "verify", "--base", "HEAD"], runs, cwd=repo,
                                        ok=(1,) if kind in ("forbidden", "tangled") else (0,))
            medians[n] = t
            rows.append(f"| {n:,} {kind} lines ({(repo / USER).stat().st_size / 1e6:.2f} MB) | "
                        f"{t_rg * 1000:.1f} ms | {t * 1000:.1f} ms | {ratio:.1f}× | {m / 1024:.1f} MiB |")
            if n == 20_000 and kind not in ("forbidden", "tangled"):
                targets.append((f"`verify --base` on 20,000 {kind} lines vs rg on the file", f"{ratio:.1f}×",
                                "≤ 2×", ratio <= 2))
        growth = medians[20_000] / medians[10_000]
        targets.append((f"`verify --base`, {kind} lines: time at 20,000 / at 10,000", f"{growth:.2f}",
                        "≤ 2.2 (linear)", growth <= 2.2))
    sh(["git", "checkout", "-q", "--", "."], cwd=repo)
    rows.append("")
    return "\n".join(rows), targets


def guard_section(runs):
    """`hivegen guard` on an allowed Write payload (the whole judgement runs) against
    `git status --porcelain`, in the same scaffold repository."""
    repo = scaffold_repo(WORK / "guard")
    model = (ROOT / "fixtures" / "handwritten_d" / USER).read_text()
    content = (repo / USER).read_text().replace(END, model + END)
    payload = json.dumps({
        "session_id": "bench", "transcript_path": "/tmp/bench.jsonl", "cwd": str(repo),
        "permission_mode": "acceptEdits", "hook_event_name": "PreToolUse", "tool_name": "Write",
        "tool_input": {"file_path": str(repo / USER), "content": content}, "tool_use_id": "toolu_bench",
    }).encode()
    t_git, m_git, t, m, ratio = pair(["git", "status", "--porcelain"], [str(HIVEGEN), "guard"], runs,
                                     cwd=repo, stdin=payload)
    rows = ["### Guarding an edit", "",
            "A Write of `backend/app/models/user.py` (the hand-written model, inside its anchor) in a",
            "committed scaffold: the guard parses the payload, reads HEAD's markers, configuration",
            "and `.gitignore` files, and judges the one-file change.", "",
            "| command | median | ratio | peak memory |", "|---|---|---|---|",
            fmt_row("`git status --porcelain`", t_git, m_git),
            fmt_row("`hivegen guard` (Write payload on stdin)", t, m, ratio), ""]
    return "\n".join(rows), [("`guard` vs git status, one Write", f"{ratio:.2f}×", "≤ 4×", ratio <= 4)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--print-only", action="store_true", help="print the report, leave BENCHMARKS.md")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rg, cog = ensure_tools()
    sections = []
    targets = []  # (what, measured, target, met)
    for n in [int(s) for s in args.sizes.split(",") if s]:
        tree = make_tree(n)
        repo = make_repo(n, tree)
        rows = [f"### {n:,} files (+2,000 in a skipped node_modules/)", "",
                "| command | median | ratio | peak memory |", "|---|---|---|---|"]
        rg_cmd = [rg, "-c", "SECTION:", "lib"]
        t_rg, m_rg, t, m, ratio = pair(rg_cmd, [str(HIVEGEN), "anchors", "--format", "json"], args.runs,
                                       cwd=repo, ref_ok=(0, 1))
        rows.append(fmt_row("`rg -c 'SECTION:' lib`", t_rg, m_rg))
        rows.append(fmt_row("`hivegen anchors`", t, m, ratio))
        targets.append((f"`anchors` vs rg, {n:,} files", f"{ratio:.2f}×", "≤ 1.0×", ratio <= 1.0))
        targets.append((f"`anchors` peak memory, {n:,} files", f"{m / 1024:.1f} MiB", "< 64 MiB", m < 64 * 1024))
        _, _, t, m, ratio = pair(rg_cmd, [str(HIVEGEN), "verify"], args.runs, cwd=repo, ok=(0, 1),
                                 ref_ok=(0, 1))
        rows.append(fmt_row("`hivegen verify`", t, m, ratio))
        targets.append((f"`verify` vs rg, {n:,} files", f"{ratio:.2f}×", "≤ 1.0×", ratio <= 1.0))
        targets.append((f"`verify` peak memory, {n:,} files", f"{m / 1024:.1f} MiB", "< 64 MiB", m < 64 * 1024))
        cog_runs = max(1, min(args.runs, 3))
        _, _, t_cog, m_cog, ratio = pair(rg_cmd, [cog, "--check", f"@{tree / 'cog.list'}"], cog_runs,
                                         cwd=tree / "cog", ref_ok=(0, 1, 2))
        rows.append(fmt_row("`cog --check` (cog twin)", t_cog, m_cog, ratio))
        rows.append("")
        touch_ten(repo, tree)
        rows += ["| change of 10 files | median | ratio | peak memory |", "|---|---|---|---|"]
        t_git, m_git, t, m, ratio = pair(["git", "diff", "--name-status", "HEAD"],
                                         [str(HIVEGEN), "verify", "--base", "HEAD"], args.runs, cwd=repo,
                                         ok=(0, 1))
        rows.append(fmt_row("`git diff --name-status HEAD`", t_git, m_git))
        rows.append(fmt_row("`hivegen verify --base HEAD`", t, m, ratio))
        targets.append((f"`verify --base` vs git diff, 10 of {n:,} files changed", f"{ratio:.2f}×", "≤ 2×",
                        ratio <= 2))
        sh(["git", "checkout", "-q", "--", "."], cwd=repo)
        rows.append("")
        sections.append("\n".join(rows))
    for section, more in (linear_section(args.runs, rg), guard_section(args.runs)):
        sections.append(section)
        targets += more
    scaffold = WORK / "scaffold"
    shutil.rmtree(scaffold, ignore_errors=True)
    sh([str(HIVEGEN), "phase", "c", "-q", "--repo", str(scaffold)])
    fresh = WORK / "fresh"

    def prepare():
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(scaffold, fresh)
        # Flush the copy (and whatever earlier steps left dirty): hivegen fsyncs what it
        # writes, and should not be timed flushing the harness's own writes.
        os.sync()

    t_d, m_d = measure([str(HIVEGEN), "phase", "d", "-q", "--repo", str(fresh)], args.runs, prepare=prepare)
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
        f"Each comparison is {args.runs} interleaved pairs (reference, then hivegen) after one warm-up",
        "pair, warm cache: times are medians, and a ratio is the median of the per-pair ratios.",
        "Peak memory is the maximum RSS of one more run, under `/usr/bin/time -f %M`.",
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
    if not args.print_only:
        out.write_text("\n".join(report) + kept)
    print("\n".join(report))


if __name__ == "__main__":
    main()
