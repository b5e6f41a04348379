#!/usr/bin/env python3
"""Checks every #include under src/ against the folder map in src/README.md.

The map's table has one row per folder (or per file, for a file with extra rights) and a
"may include" column made of backticked tokens only:

  `common/`        project headers under that folder (and its sub-folders)
  `<sodium.h>`     a system or library header; `*` matches within a path (`<boost/json/*>`)
  `std`            the C++ and C standard library headers (<vector>, <cstdint>, ...)
  `posix`          the POSIX headers the server uses (<unistd.h>, <sys/*>, ...)
  `everything`     anything at all (the composition root)

A file may always include headers of its own folder. A file row (`http/server.cpp`) adds to
the rights of its folder's row. The table is parsed, not copied, so the document and the
check cannot drift: a rule changes by editing src/README.md.

Usage: check_includes.py SRC_DIR [README]   exits 1 and names file, line and rule on a breach.
"""
import fnmatch
import os
import re
import sys

POSIX = ["unistd.h", "fcntl.h", "pthread.h", "locale.h", "poll.h", "signal.h", "sys/*",
         "netinet/*", "arpa/*", "netdb.h", "dirent.h", "errno.h", "time.h"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
TOKEN = re.compile(r"`([^`]+)`")


def parse_table(readme_path):
    """Returns {row key: [tokens]}: keys are folders ('http/') or files ('http/server.cpp')."""
    rows = {}
    header_seen = False
    with open(readme_path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3:
                continue
            if cells[0] == "folder":
                header_seen = True
                if cells[2] != "may include":
                    sys.exit(f"{readme_path}: the third column must be 'may include'")
                continue
            if set(cells[0]) <= set("-: "):
                continue
            if not header_seen:
                continue
            keys = TOKEN.findall(cells[0])
            rest = TOKEN.sub("", cells[2]).replace(",", "").strip()
            if rest:
                sys.exit(f"{readme_path}: row {cells[0]}: 'may include' holds text outside "
                         f"backticks ({rest!r}); use tokens only")
            tokens = TOKEN.findall(cells[2])
            for key in keys:
                rows[key] = tokens
    if not rows:
        sys.exit(f"{readme_path}: no folder table found")
    return rows


def folder_row(rows, rel_path):
    """The longest folder key that contains rel_path (a path relative to src/)."""
    best = None
    for key in rows:
        if key.endswith("/") and rel_path.startswith(key):
            if best is None or len(key) > len(best):
                best = key
    return best


def is_std(header):
    return "/" not in header and "." not in header


def allowed(token, header, quoted, own_row, header_row):
    if token == "everything":
        return True
    if token == "std":
        return not quoted and is_std(header)
    if token == "posix":
        return not quoted and any(fnmatch.fnmatch(header, p) for p in POSIX)
    if token.startswith("<") and token.endswith(">"):
        return not quoted and fnmatch.fnmatch(header, token[1:-1])
    if token.endswith("/"):
        return quoted and header_row is not None and header_row.startswith(token)
    return False


def check(src_dir, readme):
    rows = parse_table(readme)
    breaches = []
    files = 0
    for root, _, names in os.walk(src_dir):
        for name in sorted(names):
            if not name.endswith((".cpp", ".hpp", ".h")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src_dir).replace(os.sep, "/")
            own = folder_row(rows, rel)
            if own is None:
                breaches.append(f"src/{rel}: no row in {readme} covers this folder")
                continue
            tokens = list(rows[own]) + list(rows.get(rel, []))
            files += 1
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    quoted, header = m.group(1) == '"', m.group(2)
                    header_row = folder_row(rows, header) if quoted else None
                    if quoted and header_row == own:
                        continue
                    if any(allowed(t, header, quoted, own, header_row) for t in tokens):
                        continue
                    shown = f'"{header}"' if quoted else f"<{header}>"
                    where = f" ({header_row})" if header_row else ""
                    rights = ", ".join(tokens) or "nothing"
                    breaches.append(f"src/{rel}:{number}: includes {shown}{where}, which the "
                                    f"row `{own}` of src/README.md does not allow "
                                    f"(may include: {rights})")
    return files, breaches


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src_dir = sys.argv[1]
    readme = sys.argv[2] if len(sys.argv) == 3 else os.path.join(src_dir, "README.md")
    files, breaches = check(src_dir, readme)
    for b in breaches:
        print(b)
    print(f"checked the includes of {files} files against {readme}: "
          f"{len(breaches)} breach(es)")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
