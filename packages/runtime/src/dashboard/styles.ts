/**
 * The one stylesheet (dashboard, login, locked), inlined with the response's CSP nonce: no
 * external request, nothing a block list could stop. Colours are custom properties so dark mode
 * is one block; every text colour pair meets WCAG AA (4.5:1) on its background.
 */
export const STYLES = `
:root{--bg:#f5f6f8;--surface:#fff;--text:#1b1f24;--muted:#545d69;--border:#d9dde3;--accent:#4f46e5;--on-accent:#fff;--soft:#e7e6fd;--hover:#f0f0fb;--pv:#0b7d68;--prev:#8a929c;--good:#17753a;--bad:#c0282d;--focus:#1d4ed8;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--surface:#171a21;--text:#e6e8eb;--muted:#a3abb7;--border:#2c313b;--accent:#8f8aff;--on-accent:#0f1115;--soft:#2b2a55;--hover:#20232d;--pv:#3cc9a7;--prev:#6f7784;--good:#4cc46f;--bad:#ff7a7a;--focus:#93b4ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--text);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
h1,h2,h3{margin:0;line-height:1.25}
h2{font-size:1rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:.5rem;top:-3rem;background:var(--surface);padding:.5rem 1rem;border-radius:.5rem;z-index:9}
.skip:focus{top:.5rem}
.wrap{max-width:74rem;margin:0 auto;padding:0 1rem}
.top{background:var(--surface);border-bottom:1px solid var(--border)}
.top .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;min-height:3.5rem;padding-top:.5rem;padding-bottom:.5rem}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700;margin:0}
.brand svg{width:1.5rem;height:1.5rem;fill:var(--accent)}
.top h1{font-size:1.05rem;font-weight:600;overflow-wrap:anywhere}
.live{display:flex;align-items:center;gap:.45rem;margin:0 0 0 auto;color:var(--muted)}
.live strong{color:var(--text)}
.pulse{width:.6rem;height:.6rem;border-radius:50%;background:var(--good);box-shadow:0 0 0 0 var(--good);animation:pulse 2s infinite}
@keyframes pulse{70%{box-shadow:0 0 0 .45rem transparent}100%{box-shadow:0 0 0 0 transparent}}
@media (prefers-reduced-motion:reduce){.pulse{animation:none}}
button,.button{font:inherit;color:var(--text);background:var(--surface);border:1px solid var(--border);border-radius:.5rem;padding:.35rem .8rem;cursor:pointer;text-decoration:none;display:inline-block}
button.primary{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding-top:1rem;padding-bottom:.75rem}
.periods{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
.periods a,.custom summary{display:block;padding:.3rem .65rem;border-radius:.5rem;color:var(--text);text-decoration:none;white-space:nowrap;border:1px solid var(--border);background:var(--surface);cursor:pointer;font-size:.93rem}
.actions{display:flex;align-items:center;gap:1rem;margin-left:auto}
.periods a[aria-current],.custom summary.current{background:var(--accent);border-color:var(--accent);color:var(--on-accent);font-weight:600}
.custom{position:relative}
.custom[open] summary{border-color:var(--accent)}
.custom form{position:absolute;z-index:6;top:calc(100% + .4rem);left:0;display:flex;align-items:end;gap:.5rem;padding:.75rem;background:var(--surface);border:1px solid var(--border);border-radius:.5rem;box-shadow:0 .5rem 1.5rem rgb(0 0 0/.15)}
.custom label{display:grid;font-size:.8rem;color:var(--muted)}
input{font:inherit;color:var(--text);background:var(--surface);border:1px solid var(--border);border-radius:.4rem;padding:.3rem .5rem}
.compare,.export{color:var(--text);white-space:nowrap}
.chips{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.25rem 0 .75rem;padding:0;list-style:none}
.chip{display:inline-flex;align-items:center;gap:.25rem;max-width:100%;background:var(--surface);border:1px solid var(--border);border-radius:999px;padding:.15rem .2rem .15rem .75rem}
.chip span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.chip a{display:inline-grid;place-items:center;width:1.6rem;height:1.6rem;border-radius:50%;text-decoration:none;color:var(--muted);font-size:1.1rem}
.chip a:hover{background:var(--hover);color:var(--text)}
.panel,.card,.overview{background:var(--surface);border:1px solid var(--border);border-radius:.75rem;padding:1rem}
.overview{margin-bottom:1rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem 1rem;margin:0 0 1rem}
.stat dt{font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.stat dd{margin:0;display:flex;flex-wrap:wrap;align-items:baseline;gap:.1rem .5rem}
.stat .value{font-size:1.55rem;font-weight:700;font-variant-numeric:tabular-nums}
.chg{font-size:.8rem;font-weight:600;color:var(--muted);white-space:nowrap}
.chg.good{color:var(--good)}
.chg.bad{color:var(--bad)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0 0 .5rem;padding:0;font-size:.8rem;color:var(--muted)}
.legend svg{width:1.25rem;height:.6rem;vertical-align:middle;margin-right:.3rem}
.chart{position:relative;margin:0}
.plot{display:grid;grid-template-columns:3rem 1fr}
.yaxis{position:relative;height:14rem;font-size:.75rem;color:var(--muted)}
.yaxis span{position:absolute;right:.5rem;transform:translateY(-50%)}
.y0{top:100%}.y1{top:75%}.y2{top:50%}.y3{top:25%}.y4{top:0}
.plot svg{display:block;width:100%;height:14rem;overflow:visible}
.xaxis{display:flex;justify-content:space-between;margin:.35rem 0 0 3rem;font-size:.75rem;color:var(--muted);white-space:nowrap}
.grid line{stroke:var(--border)}
.area{fill:var(--accent);opacity:.13}
.line{fill:none;stroke-linejoin:round;stroke-linecap:round}
.visitors{stroke:var(--accent);stroke-width:2.5}
.pageviews{stroke:var(--pv);stroke-width:1.5}
.previous{stroke:var(--prev);stroke-width:1.5;stroke-dasharray:5 4}
.pt .hit{fill:transparent}
.pt:hover .hit,.pt:focus .hit{fill:var(--hover);opacity:.7}
.pt:focus{outline:none}
.pt:focus-visible .hit{stroke:var(--focus);stroke-width:2}
.dot{opacity:0;stroke-width:9;stroke-linecap:round}
.pt:hover .dot,.pt:focus .dot{opacity:1}
.dot.visitors{stroke:var(--accent)}.dot.pageviews{stroke:var(--pv)}
.tip{position:absolute;z-index:5;pointer-events:none;transform:translate(-50%,calc(-100% - .75rem));background:var(--text);color:var(--surface);padding:.35rem .6rem;border-radius:.4rem;font-size:.8rem;white-space:nowrap}
.chart-data summary{cursor:pointer;color:var(--muted);font-size:.85rem;margin-top:.5rem}
.chart-data table{margin-top:.5rem}
.cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,30rem),1fr))}
.card{container-type:inline-size}
@container (max-width:28rem){.optional{display:none}th.n{white-space:normal}}
@media (max-width:40rem){.periods{flex-wrap:nowrap;overflow-x:auto;width:100%;padding-bottom:.3rem;scrollbar-width:thin}.periods a,.custom summary{padding:.25rem .55rem;font-size:.88rem}.actions{gap:.75rem}.compare,.export{font-size:.88rem}.export{padding:.25rem .55rem}.custom form{position:static;flex-wrap:wrap;margin-top:.5rem;box-shadow:none}.actions{margin-left:0;flex:1;justify-content:space-between}.xaxis span:nth-child(even){display:none}}
.card header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;margin-bottom:.6rem}
.tabs{display:flex;flex-wrap:wrap;gap:.15rem;list-style:none;margin:0;padding:0}
.tabs a{display:block;padding:.15rem .5rem;border-radius:.4rem;font-size:.85rem;color:var(--muted);text-decoration:none}
.tabs a:hover{color:var(--text);background:var(--hover)}
.tabs a[aria-current]{color:var(--text);background:var(--hover);font-weight:600}
.back{font-size:.85rem;margin:0 0 .5rem}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{font-size:.72rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);text-align:left;padding:.2rem .5rem}
td{padding:.1rem 0}
th.n,td.n{text-align:right;white-space:nowrap;padding-left:.75rem;padding-right:.25rem}
th.n{vertical-align:bottom}
td.v{position:relative;width:100%;max-width:0}
td.v .bar{position:absolute;left:0;top:.15rem;width:100%;height:calc(100% - .3rem)}
.bar rect{fill:var(--soft)}
td.v a,td.v span.label{position:relative;display:block;padding:.28rem .5rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:var(--text);text-decoration:none;border-radius:.3rem}
td.v a:hover{text-decoration:underline}
.flag{margin-right:.4rem}
.no-flags .flag{display:none}
.none{color:var(--muted);margin:.5rem 0}
.muted{color:var(--muted);font-weight:400}
.overview h2{margin-bottom:1rem}
.privacy{margin-top:1rem}
.privacy dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem 1rem;margin:.75rem 0}
.privacy dt{font-size:.75rem;font-weight:600;text-transform:uppercase;color:var(--muted)}
.privacy dd{margin:0}
.empty{margin-top:1rem}
.empty h2{font-size:1.25rem;margin-bottom:.5rem}
.empty ol{padding-left:1.25rem}
.empty li{margin:.35rem 0}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--hover);padding:.05rem .3rem;border-radius:.25rem}
.notice{border-color:var(--bad)}
footer{color:var(--muted);font-size:.85rem;padding-top:1.5rem;padding-bottom:2rem}
.center{min-height:100vh;display:grid;place-items:center;padding:1rem}
.login{width:min(100%,22rem);display:grid;gap:.75rem}
.login h1{font-size:1.3rem}
.login label{font-weight:600}
.login input{width:100%;padding:.5rem .6rem}
.alert{color:var(--bad);font-weight:600;margin:0}
`.replace(/\n/g, '');
