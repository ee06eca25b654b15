// Follows a background job on its page (/jobs/{id}) while it is queued or running: every two
// seconds the page is asked for again and the contents of its status (a polite live region)
// and details swapped in (the server has already put the step into the reader's language),
// until the job is done or failed. No meta refresh:
// a page that reloads itself on a timer takes the reader's place and focus away.
(function () {
  "use strict";
  const SELECTOR = "[data-job]";
  const PERIOD_MS = 2000;

  async function poll() {
    const current = document.querySelector(SELECTOR);
    if (!current || current.dataset.finished === "true") {
      return;
    }
    try {
      const answer = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (answer.ok) {
        const page = new DOMParser().parseFromString(await answer.text(), "text/html");
        const fresh = page.querySelector(SELECTOR);
        if (fresh) {
          for (const id of ["job-status", "job-detail"]) {
            const mine = document.getElementById(id);
            const theirs = page.getElementById(id);
            if (mine && theirs && mine.innerHTML !== theirs.innerHTML) {
              mine.innerHTML = theirs.innerHTML;
            }
          }
          current.dataset.finished = fresh.dataset.finished;
          if (fresh.dataset.finished === "true") {
            return;
          }
        }
      }
    } catch (error) {
      // The server did not answer this time (restarting?): ask again at the next tick.
    }
    window.setTimeout(poll, PERIOD_MS);
  }

  window.setTimeout(poll, PERIOD_MS);
})();
