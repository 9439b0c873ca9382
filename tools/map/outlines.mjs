// Makes src/render/map/outlines.json, the country outlines of the region the maps show, from
// Natural Earth's 1:50m countries (public domain) as packaged by world-atlas. Run once, from
// this folder:
//   npm install --no-save world-atlas@2.0.2 topojson-client@3.1.0
//   node outlines.mjs > ../../src/render/map/outlines.json
import { readFileSync } from "node:fs";
import { feature } from "topojson-client";

// ISO 3166-1 numeric code → alpha-3, for the countries in and around the frame.
const COUNTRIES = {
  "760": "SYR", "792": "TUR", "368": "IRQ", "400": "JOR", "422": "LBN", "376": "ISR",
  "275": "PSE", "196": "CYP", "682": "SAU", "364": "IRN", "818": "EGY",
};
// The frame: Syria and its neighbours, in degrees (west, south, east, north).
const FRAME = [32, 29.5, 44.5, 40.5];
// Where each country's name goes (longitude, latitude), inside the frame; countries without
// one are drawn but not named (too little of them shows).
const LABELS = {
  SYR: [38.6, 35.1], TUR: [37.8, 39.3], IRQ: [42.8, 33.6], JOR: [37.4, 30.6], LBN: [35.2, 33.9],
  CYP: [33.3, 35.35], SAU: [40.5, 30.0],
};
const MARGIN = 2;

const topology = JSON.parse(
  readFileSync(new URL("node_modules/world-atlas/countries-50m.json", import.meta.url)),
);
const countries = feature(topology, topology.objects.countries).features;
const near = (ring) => ring.some(([lon, lat]) =>
  lon > FRAME[0] - MARGIN && lon < FRAME[2] + MARGIN && lat > FRAME[1] - MARGIN && lat < FRAME[3] + MARGIN);
const round = (x) => Math.round(x * 100) / 100;

const out = [];
for (const country of countries) {
  const code = COUNTRIES[country.id];
  if (!code) continue;
  const polygons = country.geometry.type === "Polygon"
    ? [country.geometry.coordinates] : country.geometry.coordinates;
  const rings = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      if (!near(ring)) continue;
      const points = [];
      for (const [lon, lat] of ring) {
        const p = [round(lon), round(lat)];
        const last = points[points.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) points.push(p);
      }
      if (points.length > 3) rings.push(points);
    }
  }
  if (rings.length) out.push({ code, label: LABELS[code] ?? null, rings });
}
out.sort((a, b) => a.code.localeCompare(b.code));
process.stdout.write(JSON.stringify({
  source: "Natural Earth 1:50m Admin 0 countries (public domain), via world-atlas 2.0.2",
  frame: FRAME,
  countries: out,
}) + "\n");
