// Entity preview cards: pointing at or focusing a mention shows the entity's name, type and
// description with its date, from data built with the site (<lang>/previews.json, under the
// site's own path). Escape closes the card; on a touch screen the first tap opens it and the
// second follows the link. Without JavaScript, mentions are plain links.
(function () {
  "use strict";
  var script = document.currentScript;
  var source = script && script.getAttribute("data-previews");
  if (!source || !window.fetch) return;
  var cards = null;
  var loading = null;
  var card = document.createElement("div");
  card.id = "entity-preview";
  card.className = "preview-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  // In the page's main landmark, with the mentions it describes: nothing sits outside one.
  (document.querySelector("main") || document.body).appendChild(card);
  var current = null;
  var hideTimer = 0;

  function load() {
    if (!loading) {
      loading = fetch(source).then(function (r) { return r.json(); }).then(function (data) {
        cards = data;
      }, function () { cards = {}; });
    }
    return loading;
  }

  function fill(data) {
    card.textContent = "";
    var name = document.createElement("strong");
    name.textContent = data.name;
    var kind = document.createElement("span");
    kind.className = "preview-type";
    kind.textContent = data.type;
    card.appendChild(name);
    card.appendChild(document.createTextNode(" "));
    card.appendChild(kind);
    if (data.description) {
      var text = document.createElement("p");
      text.textContent = data.description;
      card.appendChild(text);
    }
    if (data.as_of) {
      var date = document.createElement("p");
      date.className = "preview-date";
      date.textContent = data.as_of;
      card.appendChild(date);
    }
  }

  // Below the mention, or above it when below would run off the screen and above would not.
  function place(link) {
    var box = link.getBoundingClientRect();
    var rtl = getComputedStyle(link).direction === "rtl";
    var width = Math.min(320, document.documentElement.clientWidth - 16);
    var left = rtl ? box.right - width : box.left;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    card.style.left = (window.scrollX + left) + "px";
    card.style.width = width + "px";
    var height = card.offsetHeight;
    var above = box.bottom + 6 + height > window.innerHeight && box.top - 6 - height >= 0;
    card.style.top = (window.scrollY + (above ? box.top - 6 - height : box.bottom + 6)) + "px";
  }

  // A mention's anchor is `m-<entity>-<number>`: the entity it names, without saying it twice.
  function entityOf(link) {
    var found = /^m-(.+)-\d+$/.exec(link.id);
    return found ? found[1] : "";
  }

  function show(link) {
    clearTimeout(hideTimer);
    load().then(function () {
      var data = cards && cards[entityOf(link)];
      if (!data) return;
      fill(data);
      card.hidden = false;
      place(link);
      if (current && current !== link) current.removeAttribute("aria-describedby");
      current = link;
      link.setAttribute("aria-describedby", card.id);
    });
  }

  function hide() {
    card.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function later() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200);
  }

  var links = document.querySelectorAll("a.mention[id^='m-']");
  var lastPointer = "";
  for (var i = 0; i < links.length; i++) {
    (function (link) {
      link.addEventListener("pointerenter", function (e) { if (e.pointerType !== "touch") show(link); });
      link.addEventListener("pointerleave", function (e) { if (e.pointerType !== "touch") later(); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", later);
      link.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; });
      link.addEventListener("click", function (e) {
        // A tap opens the card first; a second tap on the same link follows it. A mouse, a
        // pen or a key follows the link at once, hover or not.
        if ((e.pointerType || lastPointer) === "touch") {
          if (current !== link || card.hidden) {
            e.preventDefault();
            show(link);
          }
        }
      });
    })(links[i]);
  }
  card.addEventListener("pointerenter", function () { clearTimeout(hideTimer); });
  card.addEventListener("pointerleave", later);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !card.hidden) hide();
  });
})();
