// The example app's script: what nitro-dev build makes
// testdata/dist/app.*.js of.
import { greeting } from "./_greeting.js";

document.addEventListener("DOMContentLoaded", function () {
  const heading = document.querySelector("h1");
  if (heading) heading.title = greeting("Nitro");
});
