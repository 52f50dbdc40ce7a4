/**
 * The web app's one stylesheet, served at `/app/assets/board.css`. Kept as a string module so the
 * published build carries it without copying files; system fonts only, nothing fetched.
 * @internal
 */
export const BOARD_CSS = `
:root{--fg:#1b1f24;--muted:#4d5560;--bg:#f6f7f9;--card:#fff;--line:#d5d9df;--accent:#0b5cad;--ok:#0f6b3a;--bad:#a4161a;--warn:#7a4d00;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,[tabindex]:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px;z-index:9}
.skip:focus{left:8px}
header.top{background:#14213d;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header.top a{color:#fff}
header.top .brand{font-weight:700;text-decoration:none;margin-right:8px}
nav.main ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 12px;margin:0;padding:0}
nav.main a{text-decoration:none;padding:4px 2px;display:inline-block}
nav.main a[aria-current=page]{border-bottom:3px solid #f5a623;font-weight:600}
header.top form{margin-left:auto}
header.top button{background:transparent;color:#fff;border:1px solid #fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;margin:8px 0 16px}
h2{font-size:1.2rem;margin:24px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card h2,.card h3{margin-top:0}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f5}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.notice{border-left:5px solid var(--ok);background:#e8f5ee;padding:8px 12px;margin:0 0 16px}
.error{border-left:5px solid var(--bad);background:#fdecec;padding:8px 12px;margin:0 0 16px}
.error h2{margin-top:0;font-size:1.1rem}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:0 8px;border-radius:10px;background:#e3e8ef;font-size:.85rem}
.badge.bad{background:#fdecec;color:var(--bad)}
.badge.ok{background:#e8f5ee;color:var(--ok)}
form.inline{display:inline-flex;flex-wrap:wrap;gap:6px;align-items:end;margin:0}
form.stack{display:grid;gap:10px;max-width:420px}
label{font-weight:600;display:block}
form.inline label{font-weight:400;font-size:.9rem}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #8a929c;border-radius:4px;min-height:36px;max-width:100%}
button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;min-height:36px}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
button[disabled]{opacity:.6;cursor:wait}
.board{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.board section{background:#eef1f5;border-radius:8px;padding:8px}
.board h2{font-size:1rem;margin:4px 0 8px}
.board ul{list-style:none;margin:0;padding:0;display:grid;gap:8px}
.board li{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{padding:4px 0;border-bottom:1px solid var(--line)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
svg.chart{max-width:100%;height:auto}
svg.chart text{font:12px system-ui,sans-serif;fill:var(--fg)}
@media (max-width:600px){main{padding:10px}header.top form{margin-left:0}th,td{padding:6px}}
`;
