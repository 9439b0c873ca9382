#!/usr/bin/env python3
"""What a built site weighs, by kind of output: files, bytes, bytes per file.

    benches/weight.py public/ [before/]
    benches/weight.py --parts public/

With a second folder, the two side by side (before, after). The kinds are those `depeche
build` names when a host's limit is near (src/outputs/mod.rs, `Kind::group`), told apart by
path here. With `--parts`, what the heaviest kinds are made of: article pages and entity
pages split by what their parts are (as the default templates write them), the search index
and the open data by file.
"""
import glob
import os
import re
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


def html_parts(root):
    """Bytes of each part of the article and entity pages, by the default templates' markup."""
    parts = {}

    def add(key, value):
        parts[key] = parts.get(key, 0) + value

    size = lambda text: len(text.encode())
    for path in glob.glob(os.path.join(root, "*/articles/*/index.html")):
        page = open(path, encoding="utf-8").read()
        head = page[page.find("<head>") : page.find("</head>")]
        data = sum(map(size, re.findall(r"<script type=application/ld\+json>.*?</script>", head)))
        social = sum(map(size, re.findall(r"<meta[^>]*(?:og:|twitter:)[^>]*>", head)))
        body = page[page.find("<div class=body>") :]
        body = body[: body.find("</article>")]
        text = size(re.sub(r"<[^>]+>", "", body))
        mentioned = sum(map(size, re.findall(r"<aside[^>]*class=mentioned.*?</aside>", page, re.S)))
        translations = sum(map(size, re.findall(r"<aside[^>]*class=translations.*?</aside>", page, re.S)))
        add("article pages: the text", text)
        add("article pages: markup in the text (mentions, emphasis, paragraphs)", size(body) - text)
        add("article pages: structured data (JSON-LD)", data)
        add("article pages: link-preview tags (Open Graph, Twitter)", social)
        add("article pages: the rest of the head", size(head) - data - social)
        add("article pages: the entities mentioned", mentioned)
        add("article pages: the translations", translations)
        add(
            "article pages: site header, title, date, footer",
            size(page) - size(head) - size(body) - mentioned - translations,
        )
    entity_pages = glob.glob(os.path.join(root, "*/entities/*/index.html"))
    entity_pages += glob.glob(os.path.join(root, "*/entities/*/page/*/index.html"))
    for path in entity_pages:
        page = open(path, encoding="utf-8").read()
        backlinks = re.findall(r"<article class=backlink>.*?</article>", page, re.S)
        titles = quotes = 0
        for backlink in backlinks:
            titles += sum(map(size, re.findall(r"<h3><a[^>]*>(.*?)</a>", backlink, re.S)))
            for quote in re.findall(r"<blockquote>.*?</blockquote>", backlink, re.S):
                quotes += size(re.sub(r"<[^>]+>", "", quote))
        weight = sum(map(size, backlinks))
        add("entity pages: backlinks' titles", titles)
        add("entity pages: backlinks' quoted sentences", quotes)
        add("entity pages: backlinks' links, dates and markup", weight - titles - quotes)
        add("entity pages: the rest (head, header, the entity, connections, footer)", size(page) - weight)
    for path in glob.glob(os.path.join(root, "*/search/index/*/*")):
        add(f"search index: {path.split(os.sep)[-2]}/ files", os.path.getsize(path))
    for path in glob.glob(os.path.join(root, "data/*")):
        name = os.path.basename(path)
        if os.path.isdir(path):
            weight = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
            add(f"open data: {name}/", weight)
        else:
            add(f"open data: {name}", os.path.getsize(path))
    return parts


def main_parts(root):
    print("| part | MB |")
    print("| --- | --- |")
    for key, value in html_parts(root).items():
        print(f"| {key} | {value / 1e6:.1f} |")


def main():
    if sys.argv[1] == "--parts":
        return main_parts(sys.argv[2])
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
