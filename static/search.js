// Searches the language's Pagefind index from the search page's form. Without this script the
// form leads to the entity index. The page's text comes from its data attributes (the site's
// translation files); plural forms are chosen by the browser's own rules (Intl.PluralRules).
(() => {
  "use strict";
  const form = document.querySelector("form.search[data-pagefind]");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  const lang = document.documentElement.lang;
  const data = form.dataset;
  const plurals = new Intl.PluralRules(lang);
  // Results are shown ten at a time: each one loads its excerpt.
  const step = 10;
  const more = document.querySelector(".search-more");
  let pagefind = null;
  let latest = 0;
  let pending = [];

  const load = () => {
    if (!pagefind) {
      pagefind = import(data.pagefind).then(async (module) => {
        // Results carry their full path, base path included.
        await module.options({ baseUrl: "/", excerptLength: 24 });
        module.init();
        return module;
      });
    }
    return pagefind;
  };

  const announce = (count) => {
    const category = plurals.select(count);
    const text = data["results" + category[0].toUpperCase() + category.slice(1)] || data.resultsOther;
    status.textContent = count ? text.replace("{n}", count.toLocaleString(lang)) : data.none;
  };

  // The excerpt is HTML with <mark>ed words: only its text and marks are kept.
  const excerpt = (html) => {
    const p = document.createElement("p");
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    for (const node of parsed.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.append(mark);
      } else {
        p.append(node.textContent);
      }
    }
    return p;
  };

  const item = (result) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const kind = document.createElement("span");
    kind.className = "result-kind";
    const key = "kind" + (result.meta.kind || "").replace(/^./, (c) => c.toUpperCase());
    kind.textContent = data[key] || "";
    li.append(link, " ", kind);
    if (result.meta.date) {
      const time = document.createElement("time");
      time.dateTime = result.meta.date;
      const day = new Date(result.meta.date + "T12:00:00Z");
      time.textContent = isNaN(day) ? result.meta.date
        : day.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
      li.append(" ", time);
    }
    // The page's own summary reads better than words around a match, which may be a list of
    // the names an article is found by.
    if (result.meta.description) {
      const p = document.createElement("p");
      p.textContent = result.meta.description;
      li.append(p);
    } else {
      li.append(excerpt(result.excerpt));
    }
    return li;
  };

  const search = async (query) => {
    const mine = ++latest;
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!query.trim()) {
      list.replaceChildren();
      pending = [];
      more.hidden = true;
      status.textContent = "";
      return;
    }
    try {
      const module = await load();
      const found = await module.search(query);
      if (mine !== latest) return;
      list.replaceChildren();
      pending = await namedFirst(query, found.results);
      await showMore(mine);
      announce(found.results.length);
    } catch (error) {
      if (mine === latest) status.textContent = data.failed;
    }
  };

  // Case and accents aside, as the index compares words.
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase(lang).trim();

  // A query that is an entity's name or alias lists that entity first, however often the
  // articles repeat it. Only the first results are looked at: their data is loaded anyway.
  const namedFirst = async (query, results) => {
    const wanted = fold(query);
    const head = results.slice(0, step);
    const data = await Promise.all(head.map((r) => r.data()));
    const named = head.findIndex((_, i) =>
      (data[i].meta.names || "").split("|").some((name) => fold(name) === wanted));
    if (named <= 0) return results;
    return [results[named], ...results.slice(0, named), ...results.slice(named + 1)];
  };

  const showMore = async (mine) => {
    const next = pending.slice(0, step);
    pending = pending.slice(step);
    const results = await Promise.all(next.map((r) => r.data()));
    if (mine !== latest) return;
    list.append(...results.map(item));
    more.hidden = pending.length === 0;
  };

  more.addEventListener("click", () => showMore(latest));

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  const query = new URL(location.href).searchParams.get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
