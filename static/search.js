// Searches the language's index (static files that depeche builds: docs/search.md) from the
// search page's form; without this script the form leads to the entity index. It loads the
// index's root, then the shards of the query's words, then the records of the ten best
// results (an article's with two range requests into its pack: the records' lengths, then
// the record): four requests in a row, the first made by the page (a preload) beside this
// script. Words are folded as src/search/tokens.rs folds them, and a change to one is a change
// to the other. The page's text comes from its data attributes (the site's translation files).
(() => {
  "use strict";
  const form = document.querySelector("form.search[data-index]");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  const more = document.querySelector(".search-more");
  const lang = document.documentElement.lang;
  const data = form.dataset;
  const plurals = new Intl.PluralRules(lang);
  const rootUrl = new URL(data.index, location.href);
  const scriptUrl = document.currentScript && document.currentScript.src;
  const STEP = 10;
  const FORMAT = 4;
  const MAX_TERM_BYTES = 48;
  // A prefix stands for at most this many of the words it starts, the most frequent.
  const EXPANSIONS = 40;
  const RARITY_FLOOR = 0.5;

  // Words, as the index sees them.
  const ELISIONS = new Set(["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]);
  const APOSTROPHE = /['\u2019\u2018\u02BC\uFF07]/;
  // Invisible characters pasted copy leaves inside words: a word is the same without them.
  const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;
  // Those that split a word for the segmenter are taken out before it reads the text.
  const SPLITTING = /[\u180E\u200B\u2066-\u2069]/g;
  const MARK = /\p{M}/u;
  const HYPHENS = new Set(["-", "\u2010", "\u2011"]);
  const SPELT = { "\u0671": "\u0627", "\u0649": "\u064A", "\u0629": "\u0647", "œ": "oe", "æ": "ae", "ß": "ss" };
  const fold = (word) => {
    let out = "";
    for (const c of word.normalize("NFKD")) {
      if (MARK.test(c) || APOSTROPHE.test(c) || INVISIBLE.test(c) || c === "\u0640" || /\s/.test(c)) continue;
      for (const lower of c.toLowerCase()) out += SPELT[lower] ?? lower;
    }
    return cut(out);
  };
  // A word longer than the index keeps is cut as the index cuts it, on a character.
  const cut = (word) => {
    if (bytes.encode(word).length <= MAX_TERM_BYTES) return word;
    let out = "";
    let size = 0;
    for (const c of word) {
      size += bytes.encode(c).length;
      if (size > MAX_TERM_BYTES) break;
      out += c;
    }
    return out;
  };
  const bytes = new TextEncoder();
  const segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(lang, { granularity: "word" }) : null;
  // The index reads words by Unicode's rules, where each ideograph and each hiragana is a
  // word; browsers' segmenters join them by dictionary, so they are split again here.
  const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}]/u;
  const ideographs = ([at, segment]) => IDEOGRAPHIC.test(segment)
    ? Array.from(segment.matchAll(/[\p{Script=Han}\p{Script=Hiragana}]|[^\p{Script=Han}\p{Script=Hiragana}]+/gu), (m) => [at + m.index, m[0]])
    : [[at, segment]];
  const segments = (text) => (segmenter
    ? Array.from(segmenter.segment(text)).filter((s) => s.isWordLike).map((s) => [s.index, s.segment])
    : Array.from(text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['\u2019\u2018\u02BC\uFF07.:][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*/gu), (m) => [m.index, m[0]]))
    .flatMap(ideographs);
  const stripClitics = (word) => {
    const found = APOSTROPHE.exec(word);
    if (!found) return word;
    const head = word.slice(0, found.index);
    const tail = word.slice(found.index + 1);
    if (tail && ELISIONS.has(head.toLowerCase())) return stripClitics(tail);
    if (tail === "s" || tail === "S") return head;
    return word;
  };
  // Each word with where it is ([start, end) in `text`), then each hyphenated compound whole.
  const words = (text) => {
    const out = [];
    let parts = [];
    const close = () => {
      if (parts.length > 1) {
        out.push({ word: parts.map((p) => p.word).join(""), start: parts[0].start, end: parts[parts.length - 1].end, compound: true });
      }
      parts = [];
    };
    let lastEnd = 0;
    for (const [start, segment] of segments(text)) {
      if (!(parts.length && HYPHENS.has(text.slice(lastEnd, start)))) close();
      const word = stripClitics(segment);
      const at = start + segment.indexOf(word);
      const part = { word, start: at, end: at + word.length, compound: false };
      out.push(part);
      parts.push(part);
      lastEnd = start + segment.length;
    }
    close();
    return out;
  };
  const hex = (word) => Array.from(bytes.encode(word), (b) => b.toString(16).padStart(2, "0")).join("");

  // The query: its words (a compound instead of its parts), the last one a prefix while the
  // reader types, and the key an entity's name would have.
  const parse = (query, typing) => {
    query = query.replace(SPLITTING, "");
    const all = words(query);
    const inCompound = new Set();
    for (const w of all) if (w.compound) for (const p of all) if (!p.compound && p.start >= w.start && p.end <= w.end) inCompound.add(p);
    const terms = [];
    for (const w of all) {
      if (inCompound.has(w)) continue;
      const term = fold(w.word);
      if (!term || terms.some((t) => t.term === term)) continue;
      terms.push({ term, prefix: false, end: w.end });
    }
    terms.sort((a, b) => a.end - b.end);
    const last = terms[terms.length - 1];
    if (typing && last && last.end === query.trimEnd().length && !/\s$/.test(query)) last.prefix = true;
    const key = all.filter((w) => !w.compound).map((w) => fold(w.word)).join(" ");
    return { terms, key };
  };

  // Files (and ranges of files), each fetched once per generation of the index.
  const fetched = new Map();
  const once = (key, get) => {
    if (!fetched.has(key)) {
      fetched.set(key, get().catch((e) => {
        fetched.delete(key);
        throw e;
      }));
    }
    return fetched.get(key);
  };
  const json = (url) => once(url, () => fetch(url).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }));
  // Bytes `from` to `to` of a file. A server that ignores the range sends the whole file,
  // which is kept for the next range of it.
  const whole = new Map();
  const slice = async (url, from, to) => {
    if (whole.has(url)) return (await whole.get(url)).subarray(from, to);
    return once(url + "#" + from, async () => {
      const r = await fetch(url, { headers: { Range: "bytes=" + from + "-" + (to - 1) } });
      if (!r.ok) throw new Error(r.status);
      const got = new Uint8Array(await r.arrayBuffer());
      if (r.status === 206) return got;
      whole.set(url, Promise.resolve(got));
      return got.subarray(from, to);
    });
  };
  // A record of a pack (src/search/pack.rs): the pack's lengths, then the record, inflated.
  const packed = async (url, slot, slots) => {
    const head = await slice(url, 0, 2 * slots);
    const at = new DataView(head.buffer, head.byteOffset, head.byteLength);
    let start = 2 * slots;
    for (let i = 0; i < slot; i++) start += at.getUint16(2 * i, true);
    const record = await slice(url, start, start + at.getUint16(2 * slot, true));
    const text = new Blob([record]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return fromLines(await new Response(text).text());
  };
  // A record (src/search/doc.rs): kind, title, address, date and ISO date a line each, then
  // its passages.
  const fromLines = (text) => {
    const [k, t, u, d, dt, ...p] = text.split("\n");
    return { k, t, u, d, dt, p };
  };
  // The root the page asked for as it opened (a preload) is used at once. If it came from the
  // browser's cache, or was fetched more than two seconds ago, a query also asks for it again
  // (the server answers "not modified" when it is), beside its own requests rather than before
  // them, and runs again when the index has changed: a published site's new build, or an index
  // rebuilt by `serve`, is seen by the next query without a round of requests more.
  const fetchRoot = (cache) => fetch(rootUrl, { cache }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }).then((index) => {
    if (index.format !== FORMAT) {
      mismatched(index.format);
      throw new Error("format " + index.format);
    }
    return index;
  });
  // An index of another format than this script reads: one of them is a browser's copy from
  // before the site was built by another release of depeche. Both are asked for again, past
  // the cache, and the page reloaded, once per format (a site whose files disagree fails, but
  // does not reload for ever).
  const mismatched = (format) => {
    const key = "depeche-search-format";
    try {
      if (!scriptUrl || sessionStorage.getItem(key) === String(format)) return;
      sessionStorage.setItem(key, String(format));
    } catch (error) {
      return;
    }
    Promise.allSettled([fetch(scriptUrl, { cache: "reload" }), fetch(rootUrl, { cache: "reload" })])
      .then(() => location.reload());
  };
  let root = null;
  let checked = -Infinity;
  const loadRoot = () => {
    if (!root) {
      root = fetchRoot("default").then((index) => {
        const got = performance.getEntriesByName(rootUrl.href).pop();
        if (got && got.transferSize > 0) checked = Math.max(checked, performance.timeOrigin + got.responseEnd);
        return index;
      });
      root.catch(() => { root = null; });
    }
    return root;
  };
  // Whether the root in use was replaced by a newer one.
  const refresh = async () => {
    const before = await loadRoot().catch(() => null);
    if (Date.now() - checked <= 2000) return false;
    checked = Date.now();
    try {
      const index = await fetchRoot("no-cache");
      root = Promise.resolve(index);
      return !before || before.v !== index.v;
    } catch (error) {
      checked = -Infinity;
      return false;
    }
  };
  const file = (index, pattern, name) => new URL(pattern.replace("{}", name) + "?v=" + index.v, rootUrl).href;

  // The shard holding `word`: the last whose first word is not after it.
  const shardOf = (index, word) => {
    let lo = 0;
    let hi = index.shards.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (index.shards[mid] <= word) lo = mid + 1; else hi = mid;
    }
    return Math.max(lo - 1, 0);
  };
  // The shards a term needs: its own, and for a prefix those where its words go on (a few:
  // past them, the words it begins are not all looked at).
  const PREFIX_SHARDS = 3;
  const shardsFor = (index, t) => {
    const needed = [shardOf(index, t.term)];
    // A whole word reads the next shard too when it begins there: its other forms
    // ("service" → "services") may start it.
    const reach = t.prefix ? PREFIX_SHARDS : 2;
    while (needed.length < reach) {
      const next = needed[needed.length - 1] + 1;
      if (next >= index.shards.length || !index.shards[next].startsWith(t.term)) break;
      needed.push(next);
    }
    return needed;
  };
  // Whether a prefix's words go on past the shards loaded for it.
  const truncated = (index, t, needed) => {
    const next = needed[needed.length - 1] + 1;
    return t.prefix && next < index.shards.length && index.shards[next].startsWith(t.term);
  };
  const loadShard = async (index, n) => {
    const shard = await json(file(index, index.shard, hex(index.shards[n])));
    if (!shard.at) {
      shard.at = new Map(shard.w.map((w, i) => [w, i]));
      shard.names = new Map(shard.n || []);
    }
    return shard;
  };

  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const VALUE = Object.fromEntries(Array.from(DIGITS, (c, i) => [c, i]));
  // Postings: page numbers as gaps, each followed by a score of 1 to 63.
  const decode = (text) => {
    const out = [];
    let next = 0;
    for (let i = 0; i < text.length;) {
      let gap = 0;
      let scale = 1;
      let digit;
      do {
        digit = VALUE[text[i++]];
        gap += (digit & 31) * scale;
        scale *= 32;
      } while (digit >= 32);
      const page = next + gap;
      out.push([page, VALUE[text[i++]]]);
      next = page + 1;
    }
    return out;
  };

  // What one query term finds: its groups' pages with their scores (BM25: the page's score
  // times the group's rarity), whether that list is whole, and the words it stands for.
  const lookUp = (index, shards, t) => {
    const total = index.articles + index.entities;
    const groups = new Map();
    const wordsOf = new Set();
    const take = (shard, i, exact) => {
      wordsOf.add(shard.w[i]);
      const g = shard.p[shard.g[i]];
      const key = g[1] + "|" + g[3];
      // A word begun counts as much as it was typed: "c" says little of "ceasefire".
      const weight = exact ? 1 : (0.9 * Math.min(t.term.length, shard.w[i].length)) / Math.max(t.term.length, shard.w[i].length);
      if (!groups.has(key) || groups.get(key).weight < weight) groups.set(key, { g, weight });
    };
    for (const shard of shards) {
      if (t.prefix) {
        let lo = 0;
        let hi = shard.w.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (shard.w[mid] < t.term) lo = mid + 1; else hi = mid;
        }
        for (let i = lo; i < shard.w.length && shard.w[i].startsWith(t.term); i++) take(shard, i, shard.w[i] === t.term);
      } else if (shard.at.has(t.term)) {
        take(shard, shard.at.get(t.term), true);
      }
    }
    // A form of a word that no page has ("offensives", "fighter") finds the forms pages have
    // ("offensive", "fighters"): the index groups words by stem, and a word that differs from
    // one of the dictionary's by an inflection's ending reads that word's group. So does a
    // word typed whole that begins no word of the dictionary.
    if (!groups.size) {
      for (const shard of shards) {
        shard.w.forEach((w, i) => {
          if (inflected(w, t.term)) take(shard, i, false);
        });
      }
    }
    const chosen = [...groups.values()].sort((a, b) => (b.g[0] + b.g[2]) - (a.g[0] + a.g[2])).slice(0, EXPANSIONS);
    const pages = new Map();
    let whole = true;
    // The most pages any one of its groups is on: a lower bound of the pages holding the word.
    let count = 0;
    // What a page the lists leave out may hold of the word, at most: some pages have it,
    // with a score below the lowest listed.
    let missing = 0;
    for (const { g, weight } of chosen) {
      const df = g[0] + g[2];
      count = Math.max(count, df);
      // BM25's rarity, plus a constant: a word every page holds still counts where a page has
      // it in its headline.
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5)) + RARITY_FLOOR;
      [["a", g[0], g[1]], ["e", g[2], g[3]]].forEach(([kind, n, postings]) => {
        const decoded = decode(postings);
        if (decoded.length < n) {
          whole = false;
          const lowest = Math.min(...decoded.map(([, score]) => score));
          const chance = (n - decoded.length) / Math.max(1, total - decoded.length);
          missing = Math.max(missing, (idf * lowest * weight * chance) / 126);
        }
        for (const [page, score] of decoded) {
          const key = kind + page;
          const value = (idf * score * weight) / 63;
          if (!(pages.get(key) >= value)) pages.set(key, value);
        }
      });
    }
    // Groups left out of a short prefix make the list partial too.
    if (groups.size > chosen.length) whole = false;
    return { pages, whole, count, missing, words: wordsOf, term: t };
  };

  // Inflections' endings (accents folded): plurals, French feminines, English -ed and -ing.
  const ENDINGS = ["s", "x", "e", "es", "ed", "ing", "ee", "ees"];
  // A word and what is left of it without one of those endings (at least four letters).
  const bases = (word) => [word, ...ENDINGS.filter((e) => word.endsWith(e) && word.length - e.length >= 4).map((e) => word.slice(0, -e.length))];
  const inflected = (a, b) => {
    const of = new Set(bases(a));
    return a !== b && bases(b).some((x) => of.has(x));
  };

  // Pages holding every word of the query, best first. A word on more pages than the index
  // lists (its best pages only) cannot exclude a page: it only ranks those it lists.
  const rank = (index, found, named) => {
    let required = found.filter((f) => f.whole);
    if (!required.length && found.length) required = [found.reduce((a, b) => (a.count <= b.count ? a : b))];
    if (found.some((f) => f.pages.size === 0 && f.whole)) return [];
    let candidates = null;
    for (const f of required) {
      const keys = [...f.pages.keys()];
      candidates = candidates ? new Set(keys.filter((k) => candidates.has(k))) : new Set(keys);
    }
    // Scored by every word: what its lists say of the page, or for a word on more pages
    // than they list, what the page may hold of it.
    const scored = [...(candidates || [])].map((key) => {
      let score = 0;
      for (const f of found) score += f.pages.get(key) ?? f.missing;
      return { key, score };
    });
    scored.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
    const keys = scored.map((s) => s.key);
    // An entity the query names lists first, however often the articles repeat its name.
    for (const page of named.slice().reverse()) {
      const key = "e" + page;
      const at = keys.indexOf(key);
      if (at >= 0) keys.splice(at, 1);
      keys.unshift(key);
    }
    return keys;
  };

  const record = async (index, key) => {
    const page = Number(key.slice(1));
    if (key[0] === "a") {
      const per = index.articles_per_file;
      return packed(file(index, index.article, String(Math.floor(page / per))), page % per, per);
    }
    const group = await json(file(index, index.entity, String(Math.floor(page / index.entities_per_file))));
    const text = group[page % index.entities_per_file];
    return text === undefined ? undefined : fromLines(text);
  };

  // `text` with the query's words marked.
  const marked = (text, found) => {
    const out = document.createDocumentFragment();
    let at = 0;
    for (const w of words(text)) {
      if (w.start < at || !matches(fold(w.word), found)) continue;
      out.append(text.slice(at, w.start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(w.start, w.end);
      out.append(mark);
      at = w.end;
    }
    out.append(text.slice(at));
    return out;
  };
  // A word of a passage is marked when the query found it, began it, or found another of its
  // forms ("offensives" for "offensive").
  const matches = (word, found) => found.some((f) => f.words.has(word)
    || (f.term.prefix && word.startsWith(f.term.term))
    || [...f.words].some((w) => inflected(w, word)));

  // The passage holding the most of the query's words (the first passage when none does),
  // cut to about 240 characters around its first match.
  const passage = (passages, found) => {
    let best = 0;
    let bestCount = 0;
    passages.forEach((p, i) => {
      const seen = new Set();
      for (const w of words(p)) {
        const folded = fold(w.word);
        found.forEach((f, n) => { if (matches(folded, [f])) seen.add(n); });
      }
      if (seen.size > bestCount) {
        best = i;
        bestCount = seen.size;
      }
    });
    const text = passages[best] || "";
    if (text.length <= 240) return text;
    const first = words(text).find((w) => matches(fold(w.word), found));
    let start = first ? Math.max(0, first.start - 80) : 0;
    // Start after a space before the match; a match with none before it starts the cut.
    if (start > 0) {
      const space = text.indexOf(" ", start);
      start = space >= 0 && space < first.start ? space + 1 : first.start;
    }
    let end = Math.min(text.length, start + 240);
    // End at a space after the match; a match with none after it within reach ends the cut.
    if (end < text.length) {
      const after = first ? first.end : start + 1;
      const space = text.lastIndexOf(" ", end);
      end = space >= after ? space : Math.min(text.length, Math.max(end, after));
    }
    return (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
  };

  const item = (rec, found) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = rec.u;
    link.append(marked(rec.t, found));
    const kind = document.createElement("span");
    kind.className = "result-kind";
    const label = "kind" + rec.k.replace(/^./, (c) => c.toUpperCase());
    kind.textContent = data[label] || data.kindOther || "";
    li.append(link, " ", kind);
    if (rec.d) {
      const time = document.createElement(rec.dt ? "time" : "span");
      if (rec.dt) time.dateTime = rec.dt;
      time.textContent = rec.d;
      li.append(" ", time);
    }
    const text = passage(rec.p || [], found);
    if (text) {
      const p = document.createElement("p");
      p.append(marked(text, found));
      li.append(p);
    }
    return li;
  };

  const announce = (count) => {
    const category = plurals.select(count);
    const text = data["results" + category[0].toUpperCase() + category.slice(1)] || data.resultsOther;
    status.textContent = count ? text.replace("{n}", count.toLocaleString(lang)) : data.none;
  };

  // The pages a query finds, best first, with what its words found (to mark them).
  const find = async (terms, key) => {
    const index = await loadRoot();
    const named = { term: key.split(" ")[0], prefix: false };
    const needed = [...new Set([...terms, named].flatMap((t) => shardsFor(index, t)))];
    const shards = new Map(await Promise.all(needed.map(async (n) => [n, await loadShard(index, n)])));
    const found = terms.map((t) => {
      const mine = shardsFor(index, t);
      const f = lookUp(index, mine.map((n) => shards.get(n)), t);
      if (truncated(index, t, mine)) f.whole = false;
      return f;
    });
    const first = shards.get(shardsFor(index, named)[0]);
    return { index, found, keys: rank(index, found, (first && first.names.get(key)) || []) };
  };

  // How many pages hold the query: those ranked, or, for one word on more pages than its
  // lists hold, every page the index counted for it.
  const count = (found, keys) => (found.length === 1 ? Math.max(keys.length, found[0].count) : keys.length);

  // The same search for scripts (a site's own search page, tests, benchmarks): how many
  // pages `query` finds and the records of the first `limit` (kind `k`, title `t`, address
  // `u`, date `d`, passages `p`).
  window.depecheSearch = async (query, { typing = false, limit = STEP } = {}) => {
    const { terms, key } = parse(query, typing);
    if (!terms.length) return { count: 0, results: [] };
    await refresh();
    const { index, found, keys } = await find(terms, key);
    return { count: count(found, keys), results: await Promise.all(keys.slice(0, limit).map((k) => record(index, k))) };
  };

  let latest = 0;
  let pending = [];
  let shown = null;
  const search = async (query, typing) => {
    const mine = ++latest;
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    const { terms, key } = parse(query, typing);
    if (!terms.length) {
      list.replaceChildren();
      pending = [];
      more.hidden = true;
      status.textContent = "";
      return;
    }
    const finding = find(terms, key);
    const changed = refresh();
    try {
      const { index, found, keys } = await finding;
      if (await changed) return rerun(mine, query, typing);
      if (mine !== latest) return;
      pending = keys;
      shown = { index, found, mine };
      list.replaceChildren();
      // The count is known before the records load: never the last query's meanwhile.
      announce(count(found, keys));
      await showMore();
    } catch (error) {
      if (await changed) return rerun(mine, query, typing);
      if (mine === latest) {
        list.replaceChildren();
        more.hidden = true;
        status.textContent = data.failed;
      }
    }
  };

  // The same query on an index that changed while it ran, unless another came meanwhile.
  const rerun = (mine, query, typing) => (mine === latest ? search(query, typing) : undefined);

  const showMore = async () => {
    if (!shown) return;
    const { index, found, mine } = shown;
    const next = pending.slice(0, STEP);
    pending = pending.slice(STEP);
    const records = await Promise.all(next.map((key) => record(index, key)));
    if (mine !== latest) return;
    list.append(...records.filter(Boolean).map((rec) => item(rec, found)));
    more.hidden = pending.length === 0;
  };

  more.addEventListener("click", () => showMore());
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value, true), 120);
  });
  // Submitted, typed or opened from an address (`?q=`), a query finds the same pages: the
  // address the page keeps shows what the reader saw.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value, true);
  });
  const query = new URL(location.href).searchParams.get("q");
  if (query) {
    input.value = query;
    search(query, true);
  } else {
    // The preloaded root, taken while the reader types (a failure is tried again by the
    // first query): a typed search then waits for its shards, its packs' lengths and its
    // records only.
    loadRoot().catch(() => {});
  }
})();
