#!/usr/bin/env python3
"""What a built site weighs, by kind of output: files, bytes, bytes per file.

    benches/weight.py public/ [before/]

With a second folder, the two side by side (before, after). The kinds are those `depeche
build` names when a host's limit is near (src/outputs/mod.rs, `Kind::group`), told apart by
path here.
"""
import os
import sys


def kind(path):
    parts = path.split("/")
    if parts[0] in ("data",):
        return "open data"
    if parts[0] == "sitemaps" or path == "sitemap.xml":
        return "sitemaps"
    if len(parts) < 2:
        return "other pages and files"
    section = parts[1]
    if section == "articles":
        return "article pages"
    if section == "entities":
        if parts[-1] == "atom.xml":
            return "entity feeds"
        if len(parts) == 3:
            return "other pages and files"
        return "entity pages past the first" if "page" in parts[3:] else "entity pages"
    if section == "search" and len(parts) > 3:
        return "search index"
    if section == "page" or (len(parts) == 2 and parts[1] == "index.html"):
        return "home pages"
    if section == "previews.json":
        return "link previews"
    return "other pages and files"


def weigh(root):
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if rel == ".depeche-manifest":
                continue
            files_, size = found.get(kind(rel), (0, 0))
            found[kind(rel)] = (files_ + 1, size + os.path.getsize(full))
    return found


def row(name, counts):
    files, size = counts
    per = size / files / 1000 if files else 0
    return f"{files:,} files, {size / 1e6:.1f} MB ({per:.1f} KB each)"


def main():
    after = weigh(sys.argv[1])
    before = weigh(sys.argv[2]) if len(sys.argv) > 2 else None
    kinds = sorted(after, key=lambda k: -after[k][1])
    if before:
        kinds += [k for k in sorted(before) if k not in after]
        print("| kind | before | after |")
        print("| --- | --- | --- |")
    else:
        print("| kind | weight |")
        print("| --- | --- |")
    for k in kinds:
        cells = [row(k, after.get(k, (0, 0)))]
        if before:
            cells.insert(0, row(k, before.get(k, (0, 0))))
        print(f"| {k} | " + " | ".join(cells) + " |")
    total = lambda w: (sum(f for f, _ in w.values()), sum(s for _, s in w.values()))
    cells = [f"{total(after)[0]:,} files, {total(after)[1] / 1e6:.1f} MB"]
    if before:
        cells.insert(0, f"{total(before)[0]:,} files, {total(before)[1] / 1e6:.1f} MB")
    print("| **the whole site** | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
