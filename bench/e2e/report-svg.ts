/**
 * The benchmark chart, hand-written SVG (no dependency): left, the highest
 * sustained rate per path with the 70 % goal line; right, p99 one-way
 * latency against offered rate for every step (filled = pass, hollow =
 * fail) with the 100 ms limit; below, p50/p99 at half load.
 */
import type { ReportLike } from "./report-md.js";

const COLORS: Record<number, string> = { 1: "#4e79a7", 2: "#59a14f", 3: "#f28e2b", 4: "#e15759", 5: "#b07aa1" };
const NAMES: Record<number, string> = { 1: "1 SIP ceiling", 2: "2 XMPP ceiling", 3: "3 SIP→XMPP (stox)", 4: "4 XMPP→SIP (stox)", 5: "5 XMPP→SIP, 2 contacts" };
const BAR: Record<number, [string, string]> = { 1: ["1 SIP", "ceiling"], 2: ["2 XMPP", "ceiling"], 3: ["3 SIP→XMPP", "stox"], 4: ["4 XMPP→SIP", "stox"], 5: ["5 XMPP→SIP", "2 contacts"] };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const n = (x: number) => (Math.round(x * 10) / 10).toString();

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function renderSvg(r: ReportLike): string {
  const W = 1000, H = 590;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const m = r.machine;
  out.push(`<text x="20" y="24" font-size="16" font-weight="bold">stox end-to-end benchmark (${esc(r.mode)}), ${esc(r.date.slice(0, 16).replace("T", " "))} UTC</text>`);
  out.push(`<text x="20" y="42" fill="#555" font-size="11">${esc(`${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}, Kamailio ${m.kamailio}, Prosody ${m.prosody}, sipp ${m.sipp.replace(/-.*/, "")}; servers, bridge and load generators share the ${m.cpus} cores`)}</text>`);

  // left: max sustained rate per path
  const L = { x: 70, y: 70, w: 360, h: 300 };
  const maxRate = niceMax(Math.max(1, ...r.paths.map((p) => p.maxRate)));
  out.push(`<text x="${L.x}" y="${L.y - 10}" font-weight="bold">highest sustained rate, zero loss, p99 ≤ 100 ms (msg/s)</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (maxRate * i) / 5;
    const y = L.y + L.h - (L.h * i) / 5;
    out.push(`<line x1="${L.x}" y1="${y}" x2="${L.x + L.w}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${L.x - 6}" y="${y + 4}" text-anchor="end" fill="#555">${n(v)}</text>`);
  }
  const slot = L.w / Math.max(4, r.paths.length);
  r.paths.forEach((p, i) => {
    const bh = (L.h * p.maxRate) / maxRate;
    const x = L.x + i * slot + slot * 0.15;
    const bw = slot * 0.7;
    out.push(`<rect x="${n(x)}" y="${n(L.y + L.h - bh)}" width="${n(bw)}" height="${n(bh)}" fill="${COLORS[p.id]}"/>`);
    const label = p.ratio !== undefined ? `${p.maxRate} (${Math.round(p.ratio * 100)} %)` : `${p.maxRate}`;
    out.push(`<text x="${n(x + bw / 2)}" y="${n(L.y + L.h - bh - 5)}" text-anchor="middle">${esc(label)}</text>`);
    out.push(`<text x="${n(x + bw / 2)}" y="${L.y + L.h + 15}" text-anchor="middle" font-size="11">${esc(BAR[p.id]![0])}</text>`);
    out.push(`<text x="${n(x + bw / 2)}" y="${L.y + L.h + 28}" text-anchor="middle" font-size="11" fill="#555">${esc(BAR[p.id]![1])}</text>`);
  });
  const natives = r.paths.filter((p) => !p.viaBridge && p.maxRate > 0).map((p) => p.maxRate);
  if (natives.length === 2) {
    const goal = 0.7 * Math.min(...natives);
    const y = L.y + L.h - (L.h * goal) / maxRate;
    out.push(`<line x1="${L.x}" y1="${n(y)}" x2="${L.x + L.w}" y2="${n(y)}" stroke="#333" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${L.x + L.w}" y="${n(y - 4)}" text-anchor="end" fill="#333" font-size="11">goal 70 %: ${Math.round(goal)}</text>`);
  }
  out.push(`<line x1="${L.x}" y1="${L.y + L.h}" x2="${L.x + L.w}" y2="${L.y + L.h}" stroke="#333"/>`);

  // right: p99 latency vs offered rate, log scale
  const R = { x: 560, y: 70, w: 400, h: 300 };
  const steps = r.paths.flatMap((p) => p.steps.concat(p.half ? [p.half] : []).map((s) => ({ p: p.id, s })));
  const maxOffered = niceMax(Math.max(1, ...steps.map((x) => x.s.offered)));
  const lo = 0.1, hi = 10000;
  const ly = (ms: number) => R.y + R.h - (R.h * (Math.log10(Math.min(hi, Math.max(lo, ms))) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const lx = (rate: number) => R.x + (R.w * rate) / maxOffered;
  out.push(`<text x="${R.x}" y="${R.y - 10}" font-weight="bold">p99 one-way latency per step (ms, log) vs offered rate (msg/s)</text>`);
  for (const ms of [0.1, 1, 10, 100, 1000, 10000]) {
    out.push(`<line x1="${R.x}" y1="${n(ly(ms))}" x2="${R.x + R.w}" y2="${n(ly(ms))}" stroke="${ms === 100 ? "#c00" : "#e5e5e5"}"${ms === 100 ? ' stroke-dasharray="5,4"' : ""}/>`);
    out.push(`<text x="${R.x - 6}" y="${n(ly(ms) + 4)}" text-anchor="end" fill="#555">${ms}</text>`);
  }
  out.push(`<text x="${R.x + R.w}" y="${n(ly(100) - 4)}" text-anchor="end" fill="#c00">limit 100 ms</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxOffered * i) / 4;
    out.push(`<text x="${n(lx(v))}" y="${R.y + R.h + 16}" text-anchor="middle" fill="#555">${n(v)}</text>`);
  }
  out.push(`<line x1="${R.x}" y1="${R.y + R.h}" x2="${R.x + R.w}" y2="${R.y + R.h}" stroke="#333"/>`);
  for (const p of r.paths) {
    const pts = p.steps.filter((s) => Number.isFinite(s.e2e.p99)).sort((a, b) => a.offered - b.offered);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${COLORS[p.id]}" stroke-width="1.5" points="${pts.map((s) => `${n(lx(s.offered))},${n(ly(s.e2e.p99))}`).join(" ")}"/>`);
    for (const s of pts) {
      out.push(`<circle cx="${n(lx(s.offered))}" cy="${n(ly(s.e2e.p99))}" r="4" fill="${s.pass ? COLORS[p.id] : "#fff"}" stroke="${COLORS[p.id]}" stroke-width="1.5"><title>${esc(`path ${p.id} @ ${s.offered}/s: p99 ${s.e2e.p99} ms, ${s.pass ? "pass" : "fail: " + s.why.join("; ")}`)}</title></circle>`);
    }
  }
  r.paths.forEach((p, i) => {
    const x = R.x + (i % 2) * 200, y = R.y + R.h + 40 + Math.floor(i / 2) * 16;
    out.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${COLORS[p.id]}"/><text x="${x + 14}" y="${y}">${esc(NAMES[p.id]!)}</text>`);
  });

  // bottom: half-load latency table
  const T = { x: 20, y: 450 };
  out.push(`<text x="${T.x}" y="${T.y}" font-weight="bold">at half the sustained rate (one-way, ms)</text>`);
  r.paths.forEach((p, i) => {
    const h = p.half;
    const text = h === undefined ? `${NAMES[p.id]}: –` :
      `${NAMES[p.id]} @ ${h.offered}/s: p50 ${h.e2e.p50} / p99 ${h.e2e.p99}${h.rtt ? ` (SIP 200: p50 ${h.rtt.p50} / p99 ${h.rtt.p99})` : ""}; CPU % Kamailio ${h.cpu.kamailio}, Prosody ${h.cpu.prosody}, bridge ${h.cpu.bridge}`;
    out.push(`<text x="${T.x}" y="${T.y + 20 + i * 18}" fill="${COLORS[p.id]}">${esc(text)}</text>`);
  });
  const b = r.bridge;
  out.push(`<text x="${T.x}" y="${T.y + 102}" fill="#333">${esc(`bridge: sockets ${b.socketsAtRest} at rest / ${b.socketsPeak} at peak; peak RSS ${b.peakRssMb} MB at sustained rates (${b.peakRssOverloadMb ?? b.peakRssMb} MB with the overload steps)`)}</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}
