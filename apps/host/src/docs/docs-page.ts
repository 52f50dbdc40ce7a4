/**
 * A self-contained API reference page: no CDN, no external assets, so it works offline. It reads
 * `/openapi.json` and renders every operation grouped by pack.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Valhalla API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#1b1f24;color:#fff;padding:16px 24px}main{max-width:1000px;margin:0 auto;padding:16px 24px}
h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
details{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:64px;font-weight:700}.GET{color:#0a7}.POST{color:#06c}.PATCH{color:#a60}.DELETE{color:#c22}.PUT{color:#a0a}
pre{background:#f3f3f3;padding:8px;overflow:auto;font-size:12px}.scope{color:#666;font-size:12px;margin-left:8px}
</style></head><body><header><strong>Valhalla API reference</strong> <span id="ver"></span></header>
<main id="root"><p>Loading <code>/openapi.json</code>…</p></main>
<script>
fetch('openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('ver').textContent=doc.info.version;
  const groups={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(groups[op.tags[0]]??=[]).push([m.toUpperCase(),path,op]);
  const root=document.getElementById('root');root.textContent='';
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  for(const [tag,ops] of Object.entries(groups)){
    const h=document.createElement('h2');h.textContent=tag;root.appendChild(h);
    for(const [m,path,op] of ops){
      const d=document.createElement('details');
      d.innerHTML='<summary><span class="m '+m+'">'+m+'</span>'+esc(path)+' — '+esc(op.summary)+'<span class="scope">'+esc(op['x-valhalla-scope'])+'</span></summary>'+
        (op.parameters?'<h4>Parameters</h4><pre>'+esc(JSON.stringify(op.parameters,null,2))+'</pre>':'')+
        (op.requestBody?'<h4>Body</h4><pre>'+esc(JSON.stringify(op.requestBody.content['application/json'].schema,null,2))+'</pre>':'')+
        '<h4>Responses</h4><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre>';
      root.appendChild(d);
    }
  }
}).catch(e=>{document.getElementById('root').textContent='Could not load openapi.json: '+e});
</script></body></html>`;
