(()=>{function t(e){return"Hello from "+e}document.addEventListener("DOMContentLoaded",function(){let e=document.querySelector("h1");e&&(e.title=t("Nitro"))});})();
//# sourceMappingURL=app.a85ce247.js.map
