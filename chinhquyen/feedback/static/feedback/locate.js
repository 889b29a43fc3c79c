// "Lấy vị trí của tôi": fill the coordinates from the phone's location (no map tiles needed).
(function () {
  var button = document.getElementById("pa-locate");
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById("pa-locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Đang lấy vị trí…";
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.getElementById("pa-lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("pa-lon").value = pos.coords.longitude.toFixed(6);
        status.textContent = "Đã lấy vị trí.";
        document.dispatchEvent(new Event("feedback:located"));
      },
      function () {
        status.textContent = "Không lấy được vị trí; vui lòng nhập tay hoặc chọn xã, phường.";
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();
