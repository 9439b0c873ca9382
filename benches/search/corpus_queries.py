#!/usr/bin/env python3
"""Judged queries for a generated corpus (examples/gen_corpus.rs, or
benches/second-corpus/gen_corpus.py in depeche's form), per language, written as TSV on standard output:

    lang  kind  query  wanted page

drawn with a fixed seed, so the same corpus gives the same queries:

- title:  an article's whole headline, as a reader retypes one;
- prefix: the same headline with its last word half typed;
- deep:   four words in a row from the article's last paragraph;
- name:   an entity's name in the language, or one of its aliases.

    python3 benches/search/corpus_queries.py SITE [--per-kind 15] > queries.tsv
"""

import argparse
import os
import random
import re
import sys

ANNOTATION = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def front_matter(text):
    """(fields, body) of an article: `key: value` lines of the front matter, unquoted."""
    if not text.startswith("---\n"):
        return {}, text
    head, _, body = text[4:].partition("\n---\n")
    fields = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[key.strip()] = value
    return fields, body


def plain(markdown, names):
    """The text of a paragraph: annotations as their visible text, links as theirs."""
    text = ANNOTATION.sub(lambda m: m.group(2) or names.get(m.group(1), m.group(1)), markdown)
    text = LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"[*_`#]", "", text)


def yaml_map(text, key):
    """`key: {fr: ..., en: ...}` or a block of `  fr: ...` lines: {lang: value}."""
    inline = re.search(rf"^{key}:\s*\{{(.*)\}}\s*$", text, re.M)
    values = {}
    if inline:
        for part in re.findall(r"(\w+):\s*(\"[^\"]*\"|\[[^\]]*\]|[^,]+)", inline.group(1)):
            values[part[0]] = part[1].strip()
    else:
        block = re.search(rf"^{key}:\s*\n((?:  .*\n?)+)", text, re.M)
        if block:
            for line in block.group(1).splitlines():
                lang, _, value = line.strip().partition(":")
                values[lang] = value.strip()
    return values


def unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site")
    parser.add_argument("--per-kind", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    entities_dir = os.path.join(args.site, "content", "entities")
    articles_dir = os.path.join(args.site, "content", "articles")
    entities = {}
    for name in sorted(os.listdir(entities_dir)):
        if not name.endswith(".yaml"):
            continue
        text = open(os.path.join(entities_dir, name), encoding="utf-8").read()
        names = {lang: unquote(v) for lang, v in yaml_map(text, "name").items()}
        aliases = {}
        for lang, v in yaml_map(text, "aliases").items():
            aliases[lang] = [unquote(a) for a in v.strip("[]").split(",") if a.strip()]
        entities[name[:-5]] = (names, aliases)
    langs = sorted({lang for names, _ in entities.values() for lang in names})
    files = sorted(os.listdir(articles_dir))
    print("# lang\tkind\tquery\twanted page (relative to the site's base path)")
    for lang in langs:
        names = {e: n.get(lang, e) for e, (n, _) in entities.items()}
        mine = [f for f in files if f.endswith(f".{lang}.md")]
        picked = rng.sample(mine, min(len(mine), args.per_kind * 3))
        for i, file in enumerate(picked):
            fields, body = front_matter(open(os.path.join(articles_dir, file), encoding="utf-8").read())
            slug = fields.get("slug") or file[: -len(f".{lang}.md")]
            wanted = f"{lang}/articles/{slug}/"
            title = fields.get("title", "")
            kind = ("title", "prefix", "deep")[i % 3]
            if kind == "title":
                print(f"{lang}\ttitle\t{title}\t{wanted}")
            elif kind == "prefix":
                words = title.split()
                last = words[-1]
                typed = " ".join(words[:-1] + [last[: max(2, (len(last) + 1) // 2)]])
                print(f"{lang}\tprefix\t{typed}\t{wanted}")
            else:
                paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "-"))]
                words = plain(paragraphs[-1], names).split()
                start = rng.randrange(max(1, len(words) - 4))
                phrase = " ".join(w.strip(".,;:!?\"()") for w in words[start : start + 4])
                print(f"{lang}\tdeep\t{phrase}\t{wanted}")
        for entity in rng.sample(sorted(entities), min(len(entities), args.per_kind)):
            names_in, aliases = entities[entity]
            choices = [names_in.get(lang, entity)] + aliases.get(lang, [])
            query = rng.choice(choices)
            print(f"{lang}\tname\t{query}\t{lang}/entities/{entity}/")


if __name__ == "__main__":
    sys.exit(main())
