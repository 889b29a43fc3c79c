// The citizen report maps (Leaflet, vendored). Without tiles the map still places points; the
// commune list and the coordinate fields work without it.
// Form: a tap on the map fills the coordinates; typed (or phone) coordinates move the marker.
// Board: one marker per published report listed on the page ([data-lat] elements).
(function () {
  var el = document.getElementById("feedback-map");
  if (!el || !window.L) return;
  var centre = (el.dataset.center || "20.25,105.97,11").split(",").map(Number);
  el.hidden = false;
  el.style.height = "260px";
  var map = L.map(el, { scrollWheelZoom: false }).setView([centre[0], centre[1]], centre[2] || 11);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var lat = document.getElementById("pa-lat");
  var lon = document.getElementById("pa-lon");
  if (lat && lon) {
    var marker = null;
    var place = function (a, b) {
      if (marker) marker.setLatLng([a, b]);
      else marker = L.marker([a, b], { alt: "Vị trí phản ánh", keyboard: false }).addTo(map);
    };
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng);
    });
    var fromFields = function () {
      var a = parseFloat(lat.value);
      var b = parseFloat(lon.value);
      if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
        place(a, b);
        map.setView([a, b]);
      }
    };
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    document.addEventListener("feedback:located", fromFields);
    fromFields();
    return;
  }
  var points = [];
  document.querySelectorAll("[data-lat]").forEach(function (node) {
    var a = Number(node.dataset.lat);
    var b = Number(node.dataset.lon);
    if (!isFinite(a) || !isFinite(b)) return;
    var link = document.createElement("a");
    link.href = node.dataset.href || "#";
    link.textContent = node.dataset.title || "";
    L.marker([a, b], { alt: node.dataset.title || "Phản ánh", keyboard: false }).addTo(map).bindPopup(link);
    points.push([a, b]);
  });
  if (points.length) map.fitBounds(points, { maxZoom: 15, padding: [20, 20] });
})();
