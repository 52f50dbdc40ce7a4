/**
 * The web app's one script, served at `/app/assets/board.js`. Every page works without it; it only
 * asks before destructive actions (`data-confirm`) and stops double submits.
 * @internal
 */
export const BOARD_JS = `(function(){
"use strict";
document.addEventListener("submit",function(e){
  var form=e.target;
  if(!(form instanceof HTMLFormElement))return;
  var ask=form.getAttribute("data-confirm");
  if(ask&&!window.confirm(ask)){e.preventDefault();return;}
  if(form.method.toLowerCase()!=="post")return;
  if(form.dataset.sent==="1"){e.preventDefault();return;}
  form.dataset.sent="1";
  var b=form.querySelectorAll("button[type=submit],button:not([type])");
  for(var i=0;i<b.length;i++){b[i].setAttribute("aria-disabled","true");}
  form.setAttribute("aria-busy","true");
});
window.addEventListener("pageshow",function(){
  var f=document.querySelectorAll("form[data-sent]");
  for(var i=0;i<f.length;i++){f[i].removeAttribute("data-sent");f[i].removeAttribute("aria-busy");}
});
})();
`;
