/* "Ký số từ xa (xác nhận trên điện thoại)": the official stays on the page while the remote
 * signing service waits for his confirmation on the phone (chinhquyen/signing/remote_views.py).
 *
 * Markup: a form [data-remote-sign] posting to the start view (purpose, targets, next), with a
 * button [data-remote-go], a live region [data-remote-status] and a paragraph for links
 * [data-remote-links]. The script posts the form with "Accept: application/json", then asks the
 * status view every few seconds until the answer is final. States are written to the form's
 * data-state: idle, sending, pending, unavailable, done, rejected, expired, failed.
 * On the status page, a form [data-remote-poll] ("Kiểm tra lại") is asked the same way and the
 * page reloads once the answer is final. Without this script both forms work on their own.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2500;

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, form, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      body: body || new FormData(form),
    }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (!response.ok) {
              var message =
                (data.error && data.error.message) ||
                (response.status === 404
                  ? "Không tìm thấy yêu cầu ký."
                  : "Máy chủ không thực hiện được yêu cầu, vui lòng thử lại.");
              throw new Error(message);
            }
            return data;
          });
      },
      function () {
        throw new Error("Không kết nối được máy chủ, vui lòng kiểm tra mạng và thử lại.");
      }
    );
  }

  function link(href, text, newTab) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (newTab) {
      a.target = "_blank";
      a.rel = "noopener";
    }
    return a;
  }

  function show(form, data) {
    var status = form.querySelector("[data-remote-status]");
    status.textContent = "";
    var text = document.createElement("p");
    text.className = "mb-1";
    text.textContent = data.message;
    status.appendChild(text);
    var items = data.items || [];
    var skipped = data.skipped || [];
    if (items.length > 1 || skipped.length) {
      var list = document.createElement("ul");
      list.className = "mb-0";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.description + ": " + item.status_label +
          (item.message && !item.ok ? " — " + item.message : "");
        list.appendChild(li);
      });
      skipped.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.message;
        list.appendChild(li);
      });
      status.appendChild(list);
    }
  }

  function say(form, state, message) {
    form.dataset.state = state;
    show(form, { message: message });
  }

  function links(form, data) {
    var box = form.querySelector("[data-remote-links]");
    box.textContent = "";
    if (data.final) {
      box.appendChild(link(window.location.pathname, "Tải lại trang văn bản"));
    } else {
      if (data.confirm_url) {
        box.appendChild(
          link(data.confirm_url, "Môi trường thử nghiệm: mở trang xác nhận thay cho điện thoại", true)
        );
      }
      if (data.status_url) box.appendChild(link(data.status_url, "Xem trạng thái yêu cầu ký"));
    }
    box.hidden = !box.childNodes.length;
  }

  function follow(form, pollUrl, extra) {
    var keep = extra;
    function ask() {
      post(pollUrl, form, new FormData())
        .then(function (data) {
          data.confirm_url = keep.confirm_url;
          data.status_url = keep.status_url;
          form.dataset.state = data.state;
          show(form, data);
          links(form, data);
          if (data.final) {
            form.querySelector("[data-remote-go]").disabled = false;
          } else if (data.state === "pending") {
            window.setTimeout(ask, INTERVAL_MS);
          } else {
            // the service did not answer: try again a little later (the status page link stays)
            window.setTimeout(ask, INTERVAL_MS * 4);
          }
        })
        .catch(function (error) {
          say(form, "failed", error.message);
          form.querySelector("[data-remote-go]").disabled = false;
        });
    }
    window.setTimeout(ask, INTERVAL_MS);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-remote-sign]");
    if (form) {
      event.preventDefault();
      var state = form.dataset.state;
      if (state === "sending" || state === "pending" || state === "unavailable") return;
      var button = form.querySelector("[data-remote-go]");
      button.disabled = true;
      say(form, "sending", "Đang chuẩn bị văn bản và gửi yêu cầu ký tới điện thoại…");
      form.querySelector("[data-remote-links]").hidden = true;
      post(form.action, form)
        .then(function (data) {
          form.dataset.state = data.state;
          show(form, data);
          links(form, data);
          if (data.final) {
            button.disabled = false;
          } else {
            follow(form, data.poll_url, data);
          }
        })
        .catch(function (error) {
          say(form, "failed", error.message);
          button.disabled = false;
        });
      return;
    }
    var pollForm = event.target.closest("[data-remote-poll]");
    if (pollForm) {
      event.preventDefault();
      post(pollForm.action || window.location.href, pollForm).then(
        function (data) {
          window.location.reload();
          return data;
        },
        function () {
          window.location.reload();
        }
      );
    }
  });

  // the status page: ask again by itself while the answer is not final
  var pollForm = document.querySelector("[data-remote-poll]");
  if (pollForm) {
    var askAgain = function () {
      post(window.location.href, pollForm)
        .then(function (data) {
          if (data.final) {
            window.location.reload();
          } else {
            window.setTimeout(askAgain, data.state === "pending" ? INTERVAL_MS : INTERVAL_MS * 4);
          }
        })
        .catch(function () {
          // stop asking; the "Kiểm tra lại" button stays
        });
    };
    window.setTimeout(askAgain, INTERVAL_MS);
  }
})();
