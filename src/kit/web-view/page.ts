/**
 * The web view's page: one self-contained HTML document (inline CSS and
 * script, written by hand, no framework, nothing fetched but the server's
 * own `ui/data` and `ui/instance`), for any front's view (./view.ts).
 *
 * Served (`GET /_mock/ui`), it polls `ui/data` every second with
 * `If-None-Match` (a `304` while nothing changed) and drives the clock
 * through the control endpoints beside it (`advance`, `settle`, `reset`,
 * `speed`). As a report (`ec2.report()`), the view is embedded and the
 * controls hidden. The table is virtualized (only the rows on screen exist)
 * and the timeline is one canvas drawing only the visible lanes, so 10,000
 * instances stay smooth. The script avoids backquotes and `${`, so that it
 * can live in this template.
 */
import type { WebView } from "./view.js";

const STYLE = String.raw`
:root{--bg:#fff;--fg:#1d2329;--muted:#5b6670;--line:#d8dde2;--panel:#f5f7f9;--sel:#cfe3ff;--focus:#0b63ce;--accent:#0b63ce;--warn:#a4161a;
--s-pend:#d49b00;--s-run:#1f8a3b;--s-stopg:#e36c0a;--s-stopd:#6d7f94;--s-term:#c0392b;--s-gone:#3b3f45;--s-other:#8e44ad;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#15191d;--fg:#e3e7eb;--muted:#9aa5b1;--line:#2f363d;--panel:#1d2227;--sel:#1f3a5f;--focus:#6cb0ff;--accent:#6cb0ff;--warn:#ff8a80;
--s-pend:#e8b931;--s-run:#3fbf62;--s-stopg:#ff9143;--s-stopd:#8397ad;--s-term:#ff6b5e;--s-gone:#5c636b;--s-other:#b57edc}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--fg);font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;padding:8px 12px;border-bottom:1px solid var(--line);background:var(--panel)}
h1{font-size:15px;margin:0}
h2{font-size:13px;margin:0 0 6px}
#clock{font-variant-numeric:tabular-nums}
#controls{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
body.report #controls{display:none}
button,input,select{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:2px 8px}
button{cursor:pointer}
button:hover{border-color:var(--accent)}
button:disabled{opacity:.5;cursor:default}
input[type=number]{width:6em}
:focus-visible{outline:2px solid var(--focus);outline-offset:1px}
#status{color:var(--muted)}
#status.error{color:var(--warn)}
main{padding:8px 12px}
#fleet{overflow-x:auto}
#toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;margin-bottom:6px}
#filter{width:28em;max-width:100%}
#count{color:var(--muted)}
#legend{display:flex;flex-wrap:wrap;gap:10px}
.key{display:inline-flex;align-items:center;gap:4px}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px}
#head,#viewport{display:flex}
#head{border-bottom:1px solid var(--line);font-weight:600}
#headcols,.row{display:grid}
#headcols button{border:0;background:none;text-align:left;padding:3px 6px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-radius:0}
#headcols button[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
#headcols button[aria-sort=descending]::after{content:" \25BC";font-size:9px}
#axis,#lanes{flex:1;min-width:320px;display:block}
#grid{position:relative;overflow-y:auto;overflow-x:hidden;height:52vh;border-bottom:1px solid var(--line)}
#viewport{position:sticky;top:0;overflow:hidden}
#rows{position:relative;overflow:hidden;flex:none}
.row{position:absolute;left:0;right:0;height:22px;align-items:center;cursor:default;border-bottom:1px solid var(--line)}
.row span{padding:0 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.row[aria-selected=true]{background:var(--sel)}
#grid:focus-visible .row[aria-selected=true]{outline:2px solid var(--focus);outline-offset:-2px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px;vertical-align:baseline}
#lower{display:grid;grid-template-columns:minmax(300px,2fr) minmax(260px,1.4fr) minmax(200px,1fr);gap:12px;margin-top:10px}
#lower section{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px;min-width:0}
#eventList{list-style:none;margin:0;padding:0;max-height:34vh;overflow:auto;font-size:12px}
#eventList li{padding:2px 0;border-bottom:1px solid var(--line)}
#eventList button{border:0;background:none;padding:0;text-decoration:underline;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}
dt{color:var(--muted)}
dd{margin:0;font-variant-numeric:tabular-nums}
#detailBody table{border-collapse:collapse;width:100%;font-size:12px;margin-top:6px}
#detailBody td,#detailBody th{border-bottom:1px solid var(--line);padding:2px 4px;text-align:left;vertical-align:top}
pre{background:var(--bg);border:1px solid var(--line);padding:6px;max-height:24vh;overflow:auto;font-size:11px;margin:6px 0 0;white-space:pre-wrap}
.t{color:var(--muted);font-variant-numeric:tabular-nums}
#tip{position:fixed;z-index:10;max-width:420px;pointer-events:none;background:var(--panel);color:var(--fg);border:1px solid var(--line);border-radius:4px;padding:4px 8px;box-shadow:0 2px 8px rgba(0,0,0,.25);font-size:12px}
@media (max-width:900px){#lower{grid-template-columns:1fr}}
`;

const SCRIPT = String.raw`
(function(){
"use strict";
var ROW=22, POLL_MS=1000, MAX_EVENTS=200;
var $=function(id){return document.getElementById(id);};
var grid=$("grid"), rowsEl=$("rows"), lanes=$("lanes"), axis=$("axis"), spacer=$("spacer"), viewport=$("viewport"), tip=$("tip");
var base=location.pathname.replace(/ui\/?$/,"");
var embedded=$("view-data");
var live=embedded===null;
var view=null, etag="", rows=[], selected=null, sortKey="launchTime", sortDir=1, details={}, detailFor=null, pollTimer=0, speedMissing=false;
var COLS=[
 {key:"id",label:"Instance",w:168,mono:true},
 {key:"name",label:"Name",w:116},
 {key:"type",label:"Type",w:92},
 {key:"zone",label:"Zone",w:100},
 {key:"state",label:"State",w:136},
 {key:"privateIp",label:"Private IP",w:106,mono:true},
 {key:"publicIp",label:"Public IP",w:110,mono:true},
 {key:"launchTime",label:"Launched",w:84,mono:true},
 {key:"flags",label:"Flags",w:54}
];
var width=0; COLS.forEach(function(c){width+=c.w;});
var template=COLS.map(function(c){return c.w+"px";}).join(" ");
rowsEl.style.width=width+"px"; $("headcols").style.width=width+"px";
$("headcols").style.gridTemplateColumns=template;
$("head").style.minWidth=(width+320)+"px"; grid.style.minWidth=(width+320)+"px";

function pad(n,w){n=String(n);while(n.length<(w||2))n="0"+n;return n;}
function hms(ms){var d=new Date(ms);return pad(d.getUTCHours())+":"+pad(d.getUTCMinutes())+":"+pad(d.getUTCSeconds());}
function hmsm(ms){return hms(ms)+"."+pad(new Date(ms).getUTCMilliseconds(),3);}
function iso(ms){return new Date(ms).toISOString();}
function dur(ms){ms=Math.max(0,ms);if(ms<1000)return Math.round(ms)+" ms";var s=ms/1000;if(s<60)return (Math.round(s*10)/10)+" s";var m=Math.floor(s/60);if(m<60)return m+" min "+Math.round(s-m*60)+" s";var h=Math.floor(m/60);return h+" h "+(m-h*60)+" min";}
function category(s){s=String(s).toLowerCase();
 if(s==="running")return "run";if(s==="pending"||s==="starting"||s==="launching")return "pend";
 if(s==="stopping"||s==="rebooting")return "stopg";if(s==="stopped"||s==="shutdown")return "stopd";
 if(s==="shutting-down"||s==="terminating")return "term";if(s==="terminated"||s==="launch_failed")return "gone";return "other";}
var colours={};
function readColours(){var cs=getComputedStyle(document.documentElement);
 ["pend","run","stopg","stopd","term","gone","other"].forEach(function(k){colours[k]=cs.getPropertyValue("--s-"+k).trim();});
 ["line","fg","muted","sel","bg","focus"].forEach(function(k){colours[k]=cs.getPropertyValue("--"+k).trim();});}
function colourOf(state){return colours[category(state)]||colours.other;}
function flags(i){var f="";if(i.terminationProtected)f+="T";if(i.stopProtected)f+="S";if(i.hibernation)f+="H";return f;}
function flagsTitle(i){var t=[];t.push(i.terminationProtected?"termination protection on":"termination protection off");
 if(i.stopProtected!==undefined)t.push(i.stopProtected?"stop protection on":"stop protection off");
 if(i.hibernation!==undefined)t.push(i.hibernation?"hibernation configured":"hibernation not configured");return t.join("; ");}
function cell(i,key){switch(key){
 case "state":return i.state+(i.code!==undefined?" ("+i.code+")":"")+(i.note?" · "+i.note:"");
 case "launchTime":return hms(i.launchTime);
 case "zone":return i.zone;
 case "flags":return flags(i);
 default:return i[key]===undefined?"":String(i[key]);}}
function sortValue(i,key){if(key==="launchTime")return i.launchTime;if(key==="flags")return flags(i);if(key==="privateIp"||key==="publicIp")return ipKey(i[key]);return String(i[key]||"").toLowerCase();}
function ipKey(ip){if(!ip)return "";return ip.split(".").map(function(p){return pad(p,3);}).join(".");}

/* Filter: words, each found in some field; key:value looks in one field (state:running, zone:us-east-1a). */
function matcher(text){var terms=text.toLowerCase().split(/\s+/).filter(Boolean).map(function(t){var c=t.indexOf(":");
  if(c>0){var k=t.slice(0,c);var keys={id:"id",name:"name",type:"type",zone:"zone",state:"state",region:"region",ip:"ip"};if(keys[k])return {key:keys[k],v:t.slice(c+1)};}return {key:"",v:t};});
 if(terms.length===0)return null;
 return function(i){for(var n=0;n<terms.length;n++){var t=terms[n],hay;
   if(t.key==="ip")hay=i.privateIp+" "+i.publicIp;else if(t.key)hay=String(i[t.key]||"");
   else hay=i.id+" "+i.name+" "+i.state+" "+i.type+" "+i.zone+" "+i.region+" "+i.privateIp+" "+i.publicIp+" "+(i.note||"");
   if(hay.toLowerCase().indexOf(t.v)<0)return false;}return true;};}
function recompute(){if(!view)return;var m=matcher($("filter").value);
 rows=m===null?view.instances.slice():view.instances.filter(m);
 var k=sortKey,d=sortDir;var keyed=rows.map(function(i,n){return {i:i,v:sortValue(i,k),n:n};});
 keyed.sort(function(a,b){return a.v<b.v?-d:a.v>b.v?d:a.n-b.n;});rows=keyed.map(function(x){return x.i;});
 $("count").textContent=rows.length+" of "+view.instances.length+" instances";
 grid.setAttribute("aria-rowcount",String(rows.length));
 layout();}

var pool=[];
function rowEl(){var r=document.createElement("div");r.className="row";r.setAttribute("role","row");r.style.gridTemplateColumns=template;
 COLS.forEach(function(c){var s=document.createElement("span");s.setAttribute("role","gridcell");if(c.mono)s.className="mono";r.appendChild(s);});
 r.addEventListener("click",function(){var idx=Number(r.dataset.index);select(idx,false);grid.focus({preventScroll:true});});
 return r;}
var frame=0;
function schedule(){if(!frame)frame=requestAnimationFrame(function(){frame=0;render();});}
function layout(){grid.style.height=Math.round(Math.max(6*ROW,Math.min(window.innerHeight*0.52,rows.length*ROW+2)))+"px";var h=grid.clientHeight;viewport.style.height=h+"px";spacer.style.height=Math.max(0,rows.length*ROW-h)+"px";
 $("head").style.paddingRight=(grid.offsetWidth-grid.clientWidth)+"px";render();}
function render(){if(!view)return;var h=grid.clientHeight,top=grid.scrollTop,first=Math.floor(top/ROW),off=top-first*ROW,count=Math.min(rows.length-first,Math.ceil(h/ROW)+1);
 if(count<0)count=0;
 while(pool.length<count){var r=rowEl();pool.push(r);rowsEl.appendChild(r);}
 for(var n=0;n<pool.length;n++){var el=pool[n];if(n>=count){el.hidden=true;continue;}el.hidden=false;var idx=first+n,i=rows[idx];
  el.dataset.index=String(idx);el.id="row-"+idx;el.setAttribute("aria-rowindex",String(idx+1));el.style.top=(n*ROW-off)+"px";
  var sel=selected!==null&&i.id===selected;el.setAttribute("aria-selected",sel?"true":"false");
  for(var c=0;c<COLS.length;c++){var span=el.children[c],text=cell(i,COLS[c].key);
   if(COLS[c].key==="state"){if(span.dataset.v!==text){span.textContent="";var dot=document.createElement("span");dot.className="dot";dot.style.background=colourOf(i.state);span.appendChild(dot);span.appendChild(document.createTextNode(text));span.dataset.v=text;}span.firstChild.style.background=colourOf(i.state);span.title=text;}
   else{if(span.textContent!==text)span.textContent=text;span.title=COLS[c].key==="flags"?flagsTitle(i):COLS[c].key==="launchTime"?iso(i.launchTime):text;}}}
 rowsEl.style.height=h+"px";
 var selIdx=selectedIndex();grid.setAttribute("aria-activedescendant",selIdx>=first&&selIdx<first+count?"row-"+selIdx:"");
 drawLanes(first,off,count,h);}

/* The timeline: one lane per row on screen, a band per state. */
var range={from:0,to:1};
function computeRange(){var to=view.now,from=to-60000,span=Number($("span").value);
 if(span>0)from=to-span;else{var min=Infinity;for(var n=0;n<rows.length;n++){var t=rows[n].timeline;var s=t.length?t[0][0]:rows[n].launchTime;if(s<min)min=s;}if(min<Infinity)from=min;}
 if(to-from<1000)from=to-1000;range={from:from,to:to+(to-from)*0.02};}
function xOf(t,w){return (t-range.from)/(range.to-range.from)*w;}
function size(canvas,w,h){var r=window.devicePixelRatio||1;if(canvas.width!==Math.round(w*r)||canvas.height!==Math.round(h*r)){canvas.width=Math.round(w*r);canvas.height=Math.round(h*r);}canvas.style.height=h+"px";var g=canvas.getContext("2d");g.setTransform(r,0,0,r,0,0);return g;}
function bands(i){var t=i.timeline,out=[];if(t.length===0){out.push([i.launchTime,view.now,i.state,""]);return out;}
 for(var k=0;k<t.length;k++){var end=k+1<t.length?t[k+1][0]:view.now;out.push([t[k][0],Math.max(end,t[k][0]),t[k][2],t[k][3],t[k][1]]);}return out;}
function drawLanes(first,off,count,h){var w=lanes.clientWidth;if(w<=0)return;computeRange();var g=size(lanes,w,h);g.clearRect(0,0,w,h);
 for(var n=0;n<count;n++){var i=rows[first+n],y=n*ROW-off;
  if(i.id===selected){g.fillStyle=colours.sel;g.fillRect(0,y,w,ROW);}
  var b=bands(i);for(var k=0;k<b.length;k++){var x0=Math.max(0,xOf(b[k][0],w)),x1=Math.min(w,xOf(b[k][1],w));if(x1<0||x0>w)continue;
   g.fillStyle=colourOf(b[k][2]);g.globalAlpha=category(b[k][2])==="gone"?0.45:1;g.fillRect(x0,y+5,Math.max(1,x1-x0),ROW-10);g.globalAlpha=1;
   if(x1-x0>70){g.fillStyle="#fff";g.font="11px system-ui,sans-serif";g.fillText(b[k][2],x0+4,y+ROW/2+4,x1-x0-8);}}
  g.fillStyle=colours.line;g.fillRect(0,y+ROW-1,w,1);}
 var xn=xOf(view.now,w);g.fillStyle=colours.focus;g.fillRect(xn,0,1,h);
 drawAxis(w);}
function drawAxis(w){var h=22,g=size(axis,w,h);g.clearRect(0,0,w,h);g.fillStyle=colours.muted;g.font="11px system-ui,sans-serif";
 var spanMs=range.to-range.from,steps=[1000,5000,10000,30000,60000,300000,600000,1800000,3600000,7200000,21600000,86400000],step=steps[steps.length-1];
 for(var s=0;s<steps.length;s++){if(spanMs/steps[s]<=8){step=steps[s];break;}}
 for(var t=Math.ceil(range.from/step)*step;t<=range.to;t+=step){var x=xOf(t,w);g.fillRect(x,h-6,1,6);g.fillText(hms(t),x+3,h-8);}
}
function laneAt(ev){var r=lanes.getBoundingClientRect();var y=ev.clientY-r.top+grid.scrollTop;var idx=Math.floor(y/ROW);var i=rows[idx];if(!i)return null;
 var t=range.from+(ev.clientX-r.left)/r.width*(range.to-range.from);var b=bands(i);for(var k=0;k<b.length;k++){if(t>=b[k][0]&&t<b[k][1])return {i:i,idx:idx,b:b[k]};}return {i:i,idx:idx,b:null};}
lanes.addEventListener("mousemove",function(ev){var hit=laneAt(ev);if(!hit||!hit.b){tip.hidden=true;return;}var b=hit.b;
 tip.textContent="";var head=document.createElement("div");head.style.fontWeight="600";head.textContent=hit.i.id+(hit.i.name?" ("+hit.i.name+")":"")+": "+b[2];tip.appendChild(head);
 var when=document.createElement("div");when.textContent="from "+hmsm(b[0])+" for "+dur(b[1]-b[0])+(b[4]!==undefined?" (was "+b[4]+")":"");tip.appendChild(when);
 if(b[3]){var why=document.createElement("div");why.textContent="cause: "+b[3];tip.appendChild(why);}
 tip.hidden=false;var x=Math.min(ev.clientX+14,window.innerWidth-tip.offsetWidth-8),y=ev.clientY+14;if(y+tip.offsetHeight>window.innerHeight)y=ev.clientY-tip.offsetHeight-8;tip.style.left=x+"px";tip.style.top=y+"px";});
lanes.addEventListener("mouseleave",function(){tip.hidden=true;});
lanes.addEventListener("click",function(ev){var hit=laneAt(ev);if(hit){select(hit.idx,false);grid.focus({preventScroll:true});}});

/* Selection and keys. */
function selectedIndex(){if(selected===null)return -1;for(var n=0;n<rows.length;n++)if(rows[n].id===selected)return n;return -1;}
function select(idx,scroll){if(rows.length===0)return;idx=Math.max(0,Math.min(rows.length-1,idx));selected=rows[idx].id;
 if(scroll){var top=idx*ROW,h=grid.clientHeight;if(top<grid.scrollTop)grid.scrollTop=top;else if(top+ROW>grid.scrollTop+h)grid.scrollTop=top+ROW-h;}
 render();showDetail();}
grid.addEventListener("keydown",function(ev){var idx=selectedIndex(),page=Math.max(1,Math.floor(grid.clientHeight/ROW)-1),to=null;
 switch(ev.key){case "ArrowDown":to=idx<0?0:idx+1;break;case "ArrowUp":to=idx<0?0:idx-1;break;case "PageDown":to=idx+page;break;case "PageUp":to=idx-page;break;
  case "Home":to=0;break;case "End":to=rows.length-1;break;case "Escape":selected=null;render();showDetail();ev.preventDefault();return;default:return;}
 ev.preventDefault();select(to,true);});
grid.addEventListener("scroll",schedule,{passive:true});
window.addEventListener("resize",function(){layout();});
if(window.matchMedia)window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change",function(){readColours();render();legend();});

/* Sorting headers. */
COLS.forEach(function(c){var b=document.createElement("button");b.type="button";b.textContent=c.label;b.dataset.key=c.key;b.setAttribute("role","columnheader");
 b.title="Sort by "+c.label.toLowerCase();b.addEventListener("click",function(){if(sortKey===c.key)sortDir=-sortDir;else{sortKey=c.key;sortDir=1;}headers();recompute();});$("headcols").appendChild(b);});
function headers(){Array.prototype.forEach.call($("headcols").children,function(b){if(b.dataset.key===sortKey)b.setAttribute("aria-sort",sortDir>0?"ascending":"descending");else b.removeAttribute("aria-sort");});}
headers();
$("filter").addEventListener("input",function(){recompute();});
$("span").addEventListener("change",function(){render();});

/* The detail of the selected instance. */
function showDetail(){var body=$("detailBody");if(selected===null){body.textContent="Select an instance: click a row or a lane, or use the arrow keys in the table.";detailFor=null;return;}
 var i=view.instances.find(function(x){return x.id===selected;});if(!i){body.textContent="The instance "+selected+" is gone.";return;}
 var d=details[i.id];
 if(d===undefined&&live&&detailFor!==i.id+etag){detailFor=i.id+etag;fetch(base+"ui/instance?id="+encodeURIComponent(i.id),{cache:"no-store"}).then(function(r){return r.ok?r.json():null;}).then(function(x){if(x){details[x.id]=x;if(selected===x.id)showDetail();}}).catch(function(){});}
 body.textContent="";var h=document.createElement("div");h.style.fontWeight="600";h.textContent=i.id+(i.name?" ("+i.name+")":"")+": "+cell(i,"state");body.appendChild(h);
 var dl=document.createElement("dl");var facts=[["Region",i.region],["Zone",i.zone],["Type",i.type],["Private IP",i.privateIp||"-"],["Public IP",i.publicIp||"-"],["Launched",iso(i.launchTime)],["Protection / hibernation",flagsTitle(i)]];
 if(d)facts=facts.concat(d.facts);facts.forEach(function(f){var dt=document.createElement("dt");dt.textContent=f[0];var dd=document.createElement("dd");dd.textContent=f[1];dl.appendChild(dt);dl.appendChild(dd);});body.appendChild(dl);
 var table=document.createElement("table");var cap=document.createElement("caption");cap.textContent="Timeline";cap.style.textAlign="left";cap.style.fontWeight="600";table.appendChild(cap);
 var hr=document.createElement("tr");["Time","Change","Cause"].forEach(function(x){var th=document.createElement("th");th.textContent=x;hr.appendChild(th);});table.appendChild(hr);
 i.timeline.forEach(function(c){var tr=document.createElement("tr");[hmsm(c[0]),c[1]+" \u2192 "+c[2],c[3]].forEach(function(x,n){var td=document.createElement("td");td.textContent=x;if(n===0)td.className="t";tr.appendChild(td);});table.appendChild(tr);});
 body.appendChild(table);
 var ch=document.createElement("div");ch.style.fontWeight="600";ch.style.marginTop="6px";ch.textContent="Console (guest's shutdown steps and boot lines)";body.appendChild(ch);
 var pre=document.createElement("pre");pre.textContent=d?(d.console.length?d.console.join("\n"):"(nothing written yet)"):(live?"loading\u2026":"(not in this report)");body.appendChild(pre);}

/* The events stream: every change of every instance, newest first. */
function events(){var all=[];view.instances.forEach(function(i){i.timeline.forEach(function(c){all.push([c[0],i,c]);});});
 all.sort(function(a,b){return b[0]-a[0];});var list=$("eventList");list.textContent="";
 all.slice(0,MAX_EVENTS).forEach(function(e){var li=document.createElement("li");var t=document.createElement("span");t.className="t";t.textContent=hmsm(e[0])+" ";li.appendChild(t);
  var b=document.createElement("button");b.type="button";b.textContent=e[1].id;b.title="Select "+e[1].id;b.addEventListener("click",function(){$("filter").value="";recompute();var idx=rows.indexOf(e[1]);if(idx>=0){select(idx,true);grid.focus({preventScroll:true});}});li.appendChild(b);
  li.appendChild(document.createTextNode((e[1].name?" ("+e[1].name+")":"")+" "+e[2][1]+" \u2192 "+e[2][2]+": "+e[2][3]));list.appendChild(li);});
 if(all.length===0){var li=document.createElement("li");li.textContent="No events yet.";list.appendChild(li);}
 else if(all.length>MAX_EVENTS){var more=document.createElement("li");more.className="t";more.textContent=(all.length-MAX_EVENTS)+" older events not shown";list.appendChild(more);}}
function billing(){var dl=$("billingList");dl.textContent="";view.billing.forEach(function(f){var dt=document.createElement("dt");dt.textContent=f[0];var dd=document.createElement("dd");dd.textContent=f[1];dl.appendChild(dt);dl.appendChild(dd);});}
function legend(){var l=$("legend");l.textContent="";view.states.forEach(function(s){var k=document.createElement("span");k.className="key";var sw=document.createElement("span");sw.className="sw";sw.style.background=colourOf(s);k.appendChild(sw);k.appendChild(document.createTextNode(s));l.appendChild(k);});}

function apply(next){var first=view===null;view=next;if(next.details)details=next.details;else if(live)details={};
 document.title=next.title;$("title").textContent=next.title;$("now").textContent=iso(next.now);$("now").dateTime=iso(next.now);
 if(first)legend();recompute();events();billing();showDetail();}
function status(text,error){var s=$("status");s.textContent=text;s.className=error?"error":"";}

/* Live: poll ui/data (304 while unchanged), and the control endpoints. */
function poll(){clearTimeout(pollTimer);var h={};if(etag)h["if-none-match"]=etag;
 return fetch(base+"ui/data",{cache:"no-store",headers:h}).then(function(r){
  if(r.status===304){var now=Number(r.headers.get("x-mock-now"));if(view&&now>0){view.now=now;$("now").textContent=iso(now);
   try{view.billing=JSON.parse(decodeURIComponent(r.headers.get("x-mock-billing")||""));billing();}catch(e){}render();}status("live");return;}
  if(!r.ok)throw new Error("ui/data answered "+r.status);etag=r.headers.get("etag")||"";return r.json().then(function(v){apply(v);status("live");});
 }).catch(function(e){status("disconnected: "+e.message+" (retrying)",true);}).then(function(){pollTimer=setTimeout(poll,POLL_MS);});}
function control(path,label){status(label+"\u2026");return fetch(base+path,{method:"POST",cache:"no-store"}).then(function(r){return r.json().catch(function(){return {};}).then(function(body){
  if(!r.ok){if(r.status===404&&path.indexOf("speed")===0){speedMissing=true;$("speed").disabled=true;$("setspeed").disabled=true;status("this server has no speed control (POST "+base+"speed)",true);return;}status(label+" failed: "+(body.error||r.status),true);return;}
  status(label+" done");return poll();});}).catch(function(e){status(label+" failed: "+e.message,true);});}
$("advance").addEventListener("click",function(){var ms=Number($("amount").value)*Number($("unit").value);if(!(ms>=0)||!isFinite(ms)){status("advance needs a non-negative amount",true);return;}control("advance?ms="+Math.round(ms),"advance "+dur(ms));});
$("settle").addEventListener("click",function(){control("settle","settle");});
$("reset").addEventListener("click",function(){control("reset","reset");});
$("setspeed").addEventListener("click",function(){var f=Number($("speed").value);if(!(f>=0)||!isFinite(f)){status("speed needs a non-negative factor",true);return;}control("speed?factor="+f,"speed x"+f);});

readColours();
if(live){poll();}else{document.body.classList.add("report");var v=JSON.parse(embedded.textContent);apply(v);status("report: the mock as of "+iso(v.now));}
})();
`;

/**
 * The page's HTML. With `embedded`, a report: the view is inside, the
 * controls are hidden and nothing is fetched. Without, the served page,
 * which polls `ui/data` beside it.
 */
export function webViewPage(embedded?: WebView): string {
  // A `<` in the data cannot end the script element: JSON's \u003c is the same string.
  const data =
    embedded === undefined
      ? ""
      : `<script id="view-data" type="application/json">${JSON.stringify(embedded).replace(/</g, "\\u003c")}</script>\n`;
  const title = embedded === undefined ? "ec2-mock" : escapeHtml(embedded.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title">${title}</h1>
<div id="clock">mock time <time id="now">…</time></div>
<div id="controls" role="group" aria-label="Clock controls">
<label>Advance by <input id="amount" type="number" min="0" step="any" value="1"></label>
<select id="unit" aria-label="Unit of the amount"><option value="1">ms</option><option value="1000">s</option><option value="60000" selected>min</option><option value="3600000">h</option></select>
<button id="advance" type="button">Advance</button>
<button id="settle" type="button" title="Finish every transition in flight">Settle</button>
<button id="reset" type="button" title="Empty the fleet and the clock offset">Reset</button>
<label>Speed <input id="speed" type="number" min="0" step="any" value="1"></label>
<button id="setspeed" type="button" title="Mock milliseconds per real millisecond">Set speed</button>
</div>
<span id="status" role="status" aria-live="polite"></span>
</header>
<main>
<section id="fleet" aria-label="Instances">
<div id="toolbar">
<input id="filter" type="search" placeholder="Filter: words, or state:running, zone:…, type:…, ip:…" aria-label="Filter instances" autocomplete="off">
<span id="count"></span>
<label>Timeline <select id="span" aria-label="Timeline span"><option value="0" selected>everything</option><option value="60000">last minute</option><option value="600000">last 10 minutes</option><option value="3600000">last hour</option><option value="86400000">last day</option></select></label>
<span id="legend" aria-label="State colours"></span>
</div>
<div id="head" role="row"><div id="headcols"></div><canvas id="axis" aria-hidden="true" title="Timeline, mock time (UTC)"></canvas></div>
<div id="grid" role="grid" tabindex="0" aria-label="Instances (arrow keys select, the timeline is on the right)">
<div id="viewport"><div id="rows" role="rowgroup"></div><canvas id="lanes" aria-label="Timeline: one lane per instance, a band per state; hover for the cause"></canvas></div>
<div id="spacer"></div>
</div>
</section>
<div id="lower">
<section id="detail" aria-label="Selected instance"><h2>Selected instance</h2><div id="detailBody"></div></section>
<section id="events" aria-label="Events"><h2>Events (state changes, newest first)</h2><ol id="eventList"></ol></section>
<section id="billing" aria-label="Billing"><h2>Billing so far</h2><dl id="billingList"></dl></section>
</div>
</main>
<div id="tip" role="tooltip" hidden></div>
${data}<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Text put into HTML outside a script. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
