/* "Ký bằng USB token": the page talks to the signing agent on the official's computer
 * (docs/signing-agent.md) and to the server's two-step signing API.
 *
 * Markup: a container [data-agent-sign] with data-purpose, data-targets (comma-separated ids),
 * data-agent-url and data-api-prepare / data-api-complete; inside it a PIN input
 * [data-agent-pin], a button [data-agent-go] and a live region [data-agent-status].
 * States are written to the container's data-state: idle, pairing, signing, done, failed.
 */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function AgentError(message) {
    this.message = message;
  }

  function agentCall(base, method, path, body) {
    var headers = { "Content-Type": "application/json" };
    var token = sessionStorage.getItem("cq-agent-token:" + base);
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(base + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
    }).then(
      function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            var error = new AgentError((data.error && data.error.message) || "Phần mềm ký báo lỗi.");
            error.code = data.error && data.error.code;
            throw error;
          }
          return data;
        });
      },
      function () {
        throw new AgentError(
          "Không kết nối được phần mềm ký số trên máy tính này (" + base + "). " +
            "Hãy cài đặt và chạy phần mềm ký (python -m chinhquyen_agent)."
        );
      }
    );
  }

  function serverCall(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new AgentError((data.error && data.error.message) || "Máy chủ từ chối yêu cầu.");
        }
        return data;
      });
    });
  }

  function pair(base, box) {
    if (sessionStorage.getItem("cq-agent-token:" + base)) return Promise.resolve();
    box.dataset.state = "pairing";
    var code = window.prompt("Nhập mã ghép nối do phần mềm ký số hiển thị:");
    if (!code) return Promise.reject(new AgentError("Chưa ghép nối với phần mềm ký số."));
    return agentCall(base, "POST", "/pair", { code: code.trim() }).then(function (data) {
      sessionStorage.setItem("cq-agent-token:" + base, data.token);
    });
  }

  function run(box) {
    var base = box.dataset.agentUrl;
    var status = box.querySelector("[data-agent-status]");
    var pinInput = box.querySelector("[data-agent-pin]");
    var say = function (text) {
      status.textContent = text;
    };
    var targets = box.dataset.targets.split(",").filter(Boolean);
    var prepared;
    var certificateId;
    box.dataset.state = "signing";
    say("Đang kết nối phần mềm ký số…");
    return pair(base, box)
      .then(function () {
        return agentCall(base, "GET", "/certificates");
      })
      .catch(function (error) {
        if (error.code === "not_paired") {
          sessionStorage.removeItem("cq-agent-token:" + base);
          return pair(base, box).then(function () {
            return agentCall(base, "GET", "/certificates");
          });
        }
        throw error;
      })
      .then(function (data) {
        box.dataset.state = "signing";
        say("Đang chuẩn bị văn bản để ký…");
        return serverCall(box.dataset.apiPrepare, {
          purpose: box.dataset.purpose,
          target_ids: targets,
        }).then(function (answer) {
          prepared = answer;
          var wanted = answer.certificate.fingerprint;
          var match = data.certificates.filter(function (c) {
            return c.id === wanted;
          });
          if (!match.length) {
            throw new AgentError(
              "Thiết bị ký không có chứng thư số đã đăng ký của đồng chí (số hiệu " +
                answer.certificate.serial_number + ")."
            );
          }
          certificateId = match[0].id;
        });
      })
      .then(function () {
        var ready = prepared.items.filter(function (item) {
          return item.id;
        });
        if (!ready.length) {
          throw new AgentError(prepared.items.map(function (i) { return i.message; }).join(" "));
        }
        say("Đang ký bằng thiết bị ký (" + ready.length + " văn bản)…");
        return agentCall(base, "POST", "/sign", {
          certificate_id: certificateId,
          algorithm: ready[0].algorithm,
          digests: ready.map(function (item) {
            return item.digest;
          }),
          pin: pinInput ? pinInput.value : undefined,
        }).then(function (signed) {
          return serverCall(box.dataset.apiComplete, {
            items: ready.map(function (item, index) {
              return { id: item.id, signature: signed.signatures[index] };
            }),
            certificate_chain: signed.certificate_chain,
          });
        });
      })
      .then(function (result) {
        var failed = result.items.filter(function (item) {
          return !item.ok;
        });
        if (pinInput) pinInput.value = "";
        if (failed.length) {
          box.dataset.state = "failed";
          say(failed.map(function (item) { return item.message; }).join(" "));
          return;
        }
        box.dataset.state = "done";
        say("Đã ký số thành công; chữ ký đã được kiểm tra hợp lệ.");
        window.setTimeout(function () {
          window.location.reload();
        }, 800);
      })
      .catch(function (error) {
        if (pinInput) pinInput.value = "";
        box.dataset.state = "failed";
        say(error.message || String(error));
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-agent-go]");
    if (!button) return;
    var box = button.closest("[data-agent-sign]");
    if (!box || box.dataset.state === "signing") return;
    event.preventDefault();
    run(box);
  });
})();
