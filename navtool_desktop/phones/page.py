# ruff: noqa: E501  (the inline CSS and script are kept compact: one rule or statement a line)
"""The one page a phone loads: inline CSS and script (under a CSP nonce), no external assets.

Data goes in as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, and the script inserts every name and note with ``textContent`` (never as markup).
Plain ES5 so phones a few years old run it; unsent answers wait in ``localStorage`` and are
sent again when the connection returns.
"""

from __future__ import annotations

from navtool_desktop.i18n import _


def _script_json(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CSS = """
body{font:18px/1.45 system-ui,sans-serif;margin:0;padding:12px;color:#111;background:#fff;max-width:640px}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.15em;margin:.4em 0}
button,select,input,textarea{font:inherit}
button{min-height:48px;padding:8px 14px;border:2px solid #1a4d8f;border-radius:8px;background:#1a4d8f;color:#fff}
button.secondary{background:#fff;color:#1a4d8f}
label.choice{display:block;border:2px solid #888;border-radius:8px;padding:10px;margin:8px 0;min-height:44px}
label.choice input{width:24px;height:24px;vertical-align:middle;margin-right:8px}
input[type=password],input[type=text],select,textarea{width:100%;box-sizing:border-box;min-height:48px;border:2px solid #555;border-radius:6px;padding:8px}
.meaning{font-size:.92em;color:#333;margin:4px 0 0 32px}
.status{font-weight:bold;color:#0b6b2e;min-height:1.5em}.error{color:#a00000;font-weight:bold}
.nav{display:flex;gap:8px;justify-content:space-between;margin:12px 0}
.langs{text-align:right;margin:0 0 4px}.langs a{display:inline-block;padding:10px 8px;color:#1a4d8f;font-weight:bold}
.langs a[aria-current]{color:#111;text-decoration:none}
.source{display:block;font-size:.75em;font-weight:normal;color:#444;margin-left:32px}
.or{margin:18px 0 6px;border-top:1px solid #bbb;padding-top:10px}
details{margin:8px 0}[hidden]{display:none}
"""

_JS = r"""
(function(){
var C=JSON.parse(document.getElementById('content').textContent);
var P=JSON.parse(document.getElementById('people').textContent);
var T=JSON.parse(document.getElementById('words').textContent);
var base=location.pathname.replace('/j/','/api/');
var token=null,me=null,code=null,mine=[],answers={},at=0;
function $(id){return document.getElementById(id);}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e;}
function post(what,body,done){var x=new XMLHttpRequest();x.open('POST',base+'/'+what+'?lang='+T.lang);
 x.setRequestHeader('Content-Type','application/json');x.timeout=15000;
 x.onload=function(){var r={};try{r=JSON.parse(x.responseText);}catch(e){}done(x.status,r);};
 x.onerror=x.ontimeout=function(){done(0,{});};x.send(JSON.stringify(body));}
function key(){return 'navtool-unsent-'+base+'-'+me;}  // per person: a shared phone never sends one person's answers as another's
function unsent(){try{return JSON.parse(localStorage.getItem(key())||'{}');}catch(e){return {};}}
function keep(u){try{localStorage.setItem(key(),JSON.stringify(u));}catch(e){}}
function show(id){['pick','pin','rate','done'].forEach(function(s){$(s).hidden=(s!==id);});}
var sel=$('who');P.forEach(function(p){var o=el('option',p.name+' ('+p.role+')');o.value=p.id;sel.appendChild(o);});
function person(id){me=id;P.forEach(function(p){if(p.id===me)mine=p.audiences;});}
function toPin(who){$('pinerr').textContent='';$('pinwho').textContent=who;show('pin');$('pinbox').focus();}
$('next').onclick=function(){if(!sel.value){$('pickerr').textContent=T.pick;return;}person(sel.value);code=null;
 toPin(sel.options[sel.selectedIndex].textContent);};
$('usecode').onclick=function(){var c=$('codebox').value.replace(/[\s-]/g,'').toUpperCase();
 if(c.length!==8){$('codeerr').textContent=T.code;return;}code=c;me=null;toPin(T.bycode);};
$('join').onclick=function(){var pin=$('pinbox').value;
 if(!/^[0-9]{4}$/.test(pin)){$('pinerr').textContent=T.pin;return;}
 var body=code?{code:code,pin:pin}:{participant:me,pin:pin};
 post('join',body,function(s,r){if(s!==200){$('pinerr').textContent=r.error||T.offline;return;}
  person(r.participant);code=null;$('pinbox').value='';begin(r);});};
function begin(r){token=r.token;answers=r.answers||{};$('whoami').textContent=T.as.replace('{name}',r.name||'');
 at=firstOpen();show('rate');render();flush();}
// a personal QR code brings its code after "#c=": read it, then take it out of the address bar
var m=/^#c=([A-Za-z0-9-]{4,20})$/.exec(location.hash);
if(m){history.replaceState(null,'',location.pathname+location.search);$('codebox').value=m[1];}
// changing the language reloads the page: the signed-in person stays signed in (this tab only)
Array.prototype.forEach.call(document.querySelectorAll('.langs a'),function(a){a.onclick=function(){
 if(token){try{sessionStorage.setItem('navtool-resume-'+base,JSON.stringify({token:token,me:me,at:at}));}catch(e){}}
 else if(code){a.href=a.getAttribute('href')+'#c='+code;}};});
function resume(){var k='navtool-resume-'+base,v=null;try{v=JSON.parse(sessionStorage.getItem(k)||'null');sessionStorage.removeItem(k);}catch(e){}
 if(!v||!v.token)return false;person(v.me);
 post('mine',{token:v.token},function(s,r){if(s!==200){show('pick');return;}
  var n='';P.forEach(function(p){if(p.id===v.me)n=p.name;});begin({token:v.token,answers:r.answers,name:n});
  if(v.at>=0&&v.at<C.competencies.length){at=v.at;render();}});return true;}
function firstOpen(){for(var i=0;i<C.competencies.length;i++){if(!answers[C.competencies[i].id])return i;}return 0;}
function done(){var n=0;C.competencies.forEach(function(c){if(answers[c.id])n++;});return n;}
function render(){var c=C.competencies[at],a=answers[c.id]||{},box=$('comp');box.textContent='';
 $('progress').textContent=T.progress.replace('{done}',done()).replace('{total}',C.competencies.length).replace('{n}',at+1);
 box.appendChild(el('p',c.condition));box.appendChild(el('h2',c.name));box.appendChild(el('p',c.target));
 var fs=el('fieldset');fs.appendChild(el('legend',T.level));
 c.levels.concat([{id:'not_sure',name:C.not_sure,meaning:[],practices:[]}]).forEach(function(l){
  var lab=el('label',null,'choice'),r=el('input');r.type='radio';r.name='level';r.value=l.id;r.checked=(a.level===l.id);
  lab.appendChild(r);lab.appendChild(el('strong',l.name));if(l.source){var src=el('small',l.source,'source');src.lang='en';lab.appendChild(src);}l.meaning.forEach(function(m){lab.appendChild(el('div',m,'meaning'));});fs.appendChild(lab);});
 box.appendChild(fs);
 var pr=el('details');pr.appendChild(el('summary',T.practices));
 c.levels.forEach(function(l){l.practices.forEach(function(p){var lab=el('label',null,'choice'),k=el('input');k.type='checkbox';k.value=p.id;k.className='practice';
  k.checked=(a.practices||[]).indexOf(p.id)>=0;lab.appendChild(k);lab.appendChild(document.createTextNode(p.text));pr.appendChild(lab);});});
 box.appendChild(pr);
 var q=el('details');q.appendChild(el('summary',T.questions));mine.forEach(function(k){(c.questions[k]||[]).forEach(function(t){q.appendChild(el('p',t));});});box.appendChild(q);
 var nl=el('label',T.note);nl.htmlFor='note';box.appendChild(nl);var n=el('textarea');n.id='note';n.maxLength=2000;n.rows=3;n.value=a.note||'';box.appendChild(n);
 $('status').textContent=a.level?T.saved:'';}
function collect(){var c=C.competencies[at],lv=document.querySelector('input[name=level]:checked');if(!lv)return null;
 var ps=[];Array.prototype.forEach.call(document.querySelectorAll('input.practice:checked'),function(k){ps.push(k.value);});
 return {competency:c.id,level:lv.value,practices:ps,note:$('note').value};}
function save(){var a=collect();if(!a)return;var u=unsent();u[a.competency]=a;keep(u);$('status').textContent=T.sending;flush();}
function flush(){var u=unsent(),ids=Object.keys(u);if(!ids.length||!token)return;var a=u[ids[0]];a.token=token;
 post('rate',a,function(s,r){var v=unsent();if(s===200){delete v[a.competency];keep(v);answers[a.competency]={level:a.level,practices:a.practices,note:a.note};
   if(C.competencies[at].id===a.competency)$('status').textContent=T.saved;$('progress').textContent=T.progress.replace('{done}',done()).replace('{total}',C.competencies.length).replace('{n}',at+1);flush();}
  else if(s===0||s===503){$('status').textContent=T.waiting;setTimeout(flush,3000);}
  else if(s===403){token=null;show('pin');$('pinerr').textContent=r.error||'';}
  else if(s===400||s===409||s===413){delete v[a.competency];keep(v);$('status').textContent='';$('rateerr').textContent=r.error||T.offline;}
  else{$('status').textContent=r.error||T.waiting;setTimeout(flush,5000);}});}
$('comp').onchange=function(){$('rateerr').textContent='';save();};
$('prev').onclick=function(){save();if(at>0){at--;render();window.scrollTo(0,0);}};
$('fwd').onclick=function(){save();if(at<C.competencies.length-1){at++;render();window.scrollTo(0,0);}else{show('done');}};
$('back').onclick=function(){show('rate');render();};
window.addEventListener('online',flush);setInterval(flush,10000);
$('repick').onclick=function(){code=null;$('pinbox').value='';show('pick');};
if(!resume()){show('pick');if(m)$('usecode').onclick();}
})();
"""


def render_page(nonce: str, content_json: str, people_json: str, title_html: str,
                lang: str = "en") -> str:
    """The page in ``lang`` (call while speaking it: see ``i18n.speaking``); ``title_html``
    must already be escaped, the JSON arguments are raw JSON."""
    import json

    from navtool_desktop.i18n import LANGUAGES

    words = {
        "lang": lang,
        "code": _("A personal code has 8 letters and digits."),
        "bycode": _("Joining with your personal code"),
        "as": _("Rating as {name}"),
        "pick": _("Pick your name first."),
        "pin": _("The PIN is four digits."),
        "offline": _("No connection to the laptop. Try again in a moment."),
        "progress": _("Competency {n} · {done} of {total} answered"),
        "level": _("Where is your district?"),
        "practices": _("Practices you see (optional)"),
        "questions": _("Questions to think about"),
        "note": _("A note (optional)"),
        "saved": _("✓ Saved"),
        "sending": _("Saving…"),
        "waiting": _("Not sent yet: kept on this phone, will be sent when the laptop answers."),
    }
    langs = " ".join(
        f'<a href="?lang={code}" hreflang="{code}" lang="{code}"'
        + (' aria-current="true"' if code == lang else "") + f">{name}</a>"
        for code, name in LANGUAGES.items())
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title_html}</title><style nonce="{nonce}">{_CSS}</style></head>
<body><main>
<nav class="langs" aria-label="{_("Language")}">{langs}</nav>
<h1>{title_html}</h1>
<section id="pick" hidden><label for="who">{_("Your name")}</label>
<select id="who"><option value="">{_("Choose…")}</option></select>
<p id="pickerr" class="error" role="alert"></p>
<button id="next" type="button">{_("Next")}</button>
<p class="or"><label for="codebox">{_("Or the code on your printed slip")}</label></p>
<input id="codebox" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12">
<p id="codeerr" class="error" role="alert"></p>
<button id="usecode" type="button" class="secondary">{_("Use my code")}</button></section>
<section id="pin" hidden><p id="pinwho"></p><label for="pinbox">{_("Your 4-digit PIN (the first time, choose one and remember it)")}</label>
<input id="pinbox" type="password" inputmode="numeric" pattern="[0-9]*" maxlength="4" autocomplete="off">
<p id="pinerr" class="error" role="alert"></p>
<div class="nav"><button id="repick" type="button" class="secondary">{_("Back")}</button>
<button id="join" type="button">{_("Start rating")}</button></div></section>
<section id="rate" hidden><p id="whoami"></p><p id="progress" aria-live="polite"></p>
<div id="comp"></div>
<p id="status" class="status" aria-live="polite"></p><p id="rateerr" class="error" role="alert"></p>
<div class="nav"><button id="prev" type="button" class="secondary">{_("Back")}</button>
<button id="fwd" type="button">{_("Next")}</button></div></section>
<section id="done" hidden><h2>{_("Thank you!")}</h2>
<p>{_("Your answers are saved. You can change them until the facilitator closes rating.")}</p>
<button id="back" type="button" class="secondary">{_("Review my answers")}</button></section>
</main>
<script type="application/json" id="content">{_script_json(content_json)}</script>
<script type="application/json" id="people">{_script_json(people_json)}</script>
<script type="application/json" id="words">{_script_json(json.dumps(words, ensure_ascii=True))}</script>
<script nonce="{nonce}">{_JS}</script>
</body></html>"""
