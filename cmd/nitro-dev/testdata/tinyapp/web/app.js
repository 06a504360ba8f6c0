import { mark } from "./parts/mark.js";
const devMarker = mark("dev");
document.title = devMarker;
