/* digest search: plain JavaScript, no other script, works from file:// and any web server.
 *
 * The index is data in .js files written by digest/search.py, each calling
 * digestSearch.add(outPath, data). They are loaded with <script> tags because fetch() of a
 * .json file fails under file://. search/index.js names the shards; a query loads only the
 * word shards its words fall in and the record shards of the results it shows.
 * Everything an article says is put in the page with textContent, never as HTML.
 */
(() => {
  "use strict";

  const SHOWN_AT_ONCE = 20;
  const MIN_WORD = 2; // as MIN_TERM_LENGTH in digest/search.py
  const PREFIX_FACTOR = 0.6; // "turk" finding "turkey" counts less than "turkey" itself
  const WORD = /[\p{L}\p{N}]+/gu;
  const WRITTEN_WORD = /[\p{L}\p{N}\p{M}]+/gu; // a word as written, accents included
  const MARK = /\p{M}/gu;

  const loaded = new Map(); // out_path -> data
  const waiting = new Map(); // out_path -> {promise, resolve, reject, requested}
  let root = ""; // the site root, relative to this page
  let indexPath = ""; // search/index.js, from the site root

  function slot(outPath) {
    let entry = waiting.get(outPath);
    if (!entry) {
      entry = { requested: false };
      entry.promise = new Promise((resolve, reject) => { entry.resolve = resolve; entry.reject = reject; });
      waiting.set(outPath, entry);
    }
    return entry;
  }

  window.digestSearch = {
    add(outPath, data) {
      loaded.set(outPath, data);
      slot(outPath).resolve(data);
    },
  };

  function need(outPath) {
    const entry = slot(outPath);
    if (!loaded.has(outPath) && !entry.requested) {
      entry.requested = true;
      const script = document.createElement("script");
      script.src = root + outPath;
      script.onerror = () => entry.reject(new Error("could not load " + outPath));
      document.head.appendChild(script);
    }
    return entry.promise;
  }

  // The same folding as search_terms() in digest/search.py.
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(MARK, "");
  }

  function queryWords(text) {
    const words = (fold(text).match(WORD) || []).filter((word) => word.length >= MIN_WORD);
    return [...new Set(words)].slice(0, 10);
  }

  // The shards that may hold words beginning with `word`: the last range whose first word
  // is <= word, and the following ones that start inside the prefix.
  function shardsFor(index, word) {
    let first = 0;
    for (let k = 1; k < index.terms.length; k++) {
      if (index.terms[k][0] <= word) first = k;
    }
    const chosen = [index.terms[first][1]];
    for (let k = first + 1; k < index.terms.length && index.terms[k][0].startsWith(word); k++) {
      chosen.push(index.terms[k][1]);
    }
    return chosen;
  }

  function lowerBound(terms, word) {
    let low = 0;
    let high = terms.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (terms[middle] < word) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  // Map article number -> {score, terms} for the articles holding a word that begins with `word`.
  function matchWord(shards, word, count) {
    const hits = new Map();
    for (const shard of shards) {
      for (let i = lowerBound(shard.terms, word); i < shard.terms.length && shard.terms[i].startsWith(word); i++) {
        const term = shard.terms[i];
        const postings = shard.postings[i];
        const rarity = Math.log(1 + count / (postings.length / 2));
        const factor = term === word ? 1 : PREFIX_FACTOR;
        let number = 0;
        for (let p = 0; p < postings.length; p += 2) {
          number += postings[p];
          const score = postings[p + 1] * rarity * factor;
          const hit = hits.get(number) || { score: 0, terms: [] };
          hit.score = Math.max(hit.score, score);
          hit.terms.push(term);
          hits.set(number, hit);
        }
      }
    }
    return hits;
  }

  // Articles that hold every word of the query, best first; newer first among equals.
  async function rank(index, words) {
    const perWord = await Promise.all(words.map(async (word) => {
      const shards = await Promise.all(shardsFor(index, word).map(need));
      return matchWord(shards, word, index.count);
    }));
    perWord.sort((a, b) => a.size - b.size);
    const results = [];
    for (const [number, hit] of perWord[0]) {
      let score = hit.score;
      const terms = new Set(hit.terms);
      let everyWord = true;
      for (const other of perWord.slice(1)) {
        const otherHit = other.get(number);
        if (!otherHit) { everyWord = false; break; }
        score += otherHit.score;
        otherHit.terms.forEach((term) => terms.add(term));
      }
      if (everyWord) results.push({ number, score, terms: [...terms].sort() });
    }
    results.sort((a, b) => (b.score - a.score) || (b.number - a.number));
    return results;
  }

  function record(index, number) {
    const file = index.docs[Math.floor(number / index.docsPerFile)];
    return loaded.get(file)[number % index.docsPerFile];
  }

  // Append `text` to `parent`, each word that begins with a query word inside <mark>.
  function highlight(parent, text, words) {
    let last = 0;
    for (const match of text.matchAll(WRITTEN_WORD)) {
      const folded = fold(match[0]);
      if (words.some((word) => folded.startsWith(word))) {
        parent.append(text.slice(last, match.index));
        const mark = document.createElement("mark");
        mark.textContent = match[0];
        parent.append(mark);
        last = match.index + match[0].length;
      }
    }
    parent.append(text.slice(last));
  }

  function element(tag, className, parent) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (parent) parent.append(node);
    return node;
  }

  function renderResult(fields, result, words) {
    const [outPath, title, dateText, source, summary, topics] = fields;
    const item = element("li");
    const card = element("article", "card", item);
    const heading = element("h2", "card-title", card);
    const link = element("a", "", heading);
    link.href = root + outPath;
    highlight(link, title, words);
    const meta = element("p", "meta", card);
    meta.append(dateText);
    if (source) {
      meta.append(" · ");
      highlight(element("span", "source", meta), source, words);
    }
    if (summary) highlight(element("p", "summary", card), summary, words);
    if (topics.length) {
      const line = element("p", "result-topics", card);
      line.append("Topics: ");
      highlight(line, topics.join(", "), words);
    }
    // Shows why an article matched when the words are only in its text, not in its summary.
    const matched = element("p", "matched", card);
    matched.append("Matching words: ");
    result.terms.forEach((term, position) => {
      if (position) matched.append(", ");
      element("mark", "", matched).textContent = term;
    });
    return item;
  }

  function start() {
    const form = document.getElementById("search-form");
    if (!form) return;
    root = form.dataset.root || "";
    indexPath = form.dataset.index;
    const input = document.getElementById("search-q");
    const status = document.getElementById("search-status");
    const list = document.getElementById("search-results");
    const more = document.getElementById("search-more");
    const browse = document.getElementById("search-browse");
    let generation = 0;
    let results = [];
    let words = [];
    let shown = 0;

    async function show(count) {
      const current = generation;
      const index = await need(indexPath);
      const wanted = results.slice(shown, count);
      const files = new Set(wanted.map((result) => index.docs[Math.floor(result.number / index.docsPerFile)]));
      await Promise.all([...files].map(need));
      if (current !== generation) return;
      for (const result of wanted) list.append(renderResult(record(index, result.number), result, words));
      shown = Math.min(count, results.length);
      more.hidden = shown >= results.length;
    }

    async function search() {
      const current = ++generation;
      const query = input.value.trim();
      try {
        // Keeps the query in the address for the Back button; refused under file:// in some browsers.
        history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
      } catch (error) { /* the results do not depend on it */ }
      words = queryWords(query);
      list.replaceChildren();
      shown = 0;
      results = [];
      more.hidden = true;
      if (!words.length) {
        list.hidden = true;
        browse.hidden = false;
        status.textContent = query ? "Type at least two letters of a word." : "";
        return;
      }
      status.textContent = "Searching…";
      try {
        const index = await need(indexPath);
        const found = await rank(index, words);
        if (current !== generation) return;
        results = found;
        browse.hidden = true;
        list.hidden = !results.length;
        const phrase = "“" + query + "”";
        status.textContent = results.length
          ? (results.length === 1 ? "1 article matches " : results.length + " articles match ") + phrase + "."
          : "No article matches " + phrase + ". Try fewer or shorter words.";
        await show(SHOWN_AT_ONCE);
      } catch (error) {
        if (current === generation) status.textContent = "The search index could not be loaded: " + error.message + ".";
      }
    }

    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      search();
    });
    // Arrow keys move between the search box and the results; Escape goes back to the box.
    function resultLinks() {
      return [...list.querySelectorAll(".card-title a")];
    }
    more.addEventListener("click", async () => {
      const before = shown;
      await show(shown + SHOWN_AT_ONCE);
      // The button may have gone: keyboard users go on from the first new result.
      const first = resultLinks()[before];
      if (first) first.focus();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && resultLinks().length) {
        event.preventDefault();
        resultLinks()[0].focus();
      }
    });
    list.addEventListener("keydown", (event) => {
      const links = resultLinks();
      const position = links.indexOf(document.activeElement);
      if (position < 0) return;
      if (event.key === "ArrowDown" && position + 1 < links.length) {
        event.preventDefault();
        links[position + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (position > 0 ? links[position - 1] : input).focus();
      } else if (event.key === "Escape") {
        input.focus();
      }
    });

    input.value = new URLSearchParams(location.search).get("q") || "";
    if (input.value) search();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
