// The GOV.UK timeout warning for staff pages (ASVS 3.3): a modal dialog opens shortly before the
// sign-in ends for want of activity. "Stay signed in" (or Escape) asks the server for more time;
// when the time runs out the page posts to /account/timed-out, which signs this browser out and
// says why. The server enforces both timeouts on its own: this only warns, and never extends the
// absolute one. Loaded as a module with the page's nonce: no inline script or style.
//
// Several tabs: each page load and each "stay signed in" is noted in localStorage (a time, no
// personal data), so a tab left open does not warn while another one is in use; before warning it
// also asks the server how long is left.

const dialog = document.querySelector('[data-module="engage-timeout-warning"]')
const ACTIVITY_KEY = 'engage.session.activity'

function plural (n, unit) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

function spoken (seconds) {
  if (seconds >= 60) {
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    return rest ? `${plural(minutes, 'minute')} ${plural(rest, 'second')}` : plural(minutes, 'minute')
  }
  return plural(seconds, 'second')
}

function noteActivity (at) {
  try { window.localStorage.setItem(ACTIVITY_KEY, String(at)) } catch (e) { /* storage refused */ }
}

function lastActivity () {
  try { return Number(window.localStorage.getItem(ACTIVITY_KEY)) || 0 } catch (e) { return 0 }
}

if (dialog && typeof dialog.showModal === 'function') {
  const idle = Number(dialog.dataset.secondsLeft) * 1000
  const warning = Number(dialog.dataset.warningSeconds) * 1000
  const loaded = Date.now()
  const absoluteEnd = loaded + Number(dialog.dataset.absoluteSecondsLeft) * 1000
  const idleLength = idle
  const stay = dialog.querySelector('[data-timeout-stay]')
  const heading = dialog.querySelector('#timeout-warning-heading')
  const live = dialog.querySelector('[data-timeout-live]')
  const text = dialog.querySelector('[data-timeout-text]')
  const finalText = dialog.querySelector('[data-timeout-final]')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const countdownFinal = dialog.querySelector('[data-timeout-countdown-final]')
  let end = Math.min(loaded + idle, absoluteEnd)
  let warnTimer = null
  let tick = null
  let returnFocus = null
  let lastSpoken = null

  noteActivity(loaded)

  const signOut = () => {
    const form = document.getElementById('timeout-sign-out-form')
    if (form) form.submit()
  }

  const schedule = () => {
    window.clearTimeout(warnTimer)
    warnTimer = window.setTimeout(warnOrWait, Math.max(0, end - warning - Date.now()))
  }

  const update = () => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000))
    const words = spoken(left)
    countdown.textContent = words
    countdownFinal.textContent = words
    // Screen readers hear the time at the start and then every 30 seconds, not every second.
    if (lastSpoken === null || lastSpoken - left >= 30 || left === 0) {
      live.textContent = `We will sign you out in ${words}.`
      lastSpoken = left
    }
    if (left === 0) {
      window.clearInterval(tick)
      signOut()
    }
  }

  const open = () => {
    const final = absoluteEnd - end < 1000
    stay.hidden = final
    text.hidden = final
    finalText.hidden = !final
    returnFocus = document.activeElement
    lastSpoken = null
    dialog.showModal()
    heading.focus()
    update()
    tick = window.setInterval(update, 1000)
  }

  const close = () => {
    window.clearInterval(tick)
    if (dialog.open) dialog.close()
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus()
  }

  async function warnOrWait () {
    // Another tab in use since this one last heard? Then the server has more time for us too.
    const other = lastActivity()
    if (other > end - idleLength) {
      end = Math.min(other + idleLength, absoluteEnd)
      if (end - Date.now() > warning) {
        schedule()
        return
      }
    }
    open()
  }

  async function stayIn () {
    try {
      const response = await window.fetch(dialog.dataset.keepAliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': dialog.dataset.csrfToken, Accept: 'application/json' }
      })
      const body = await response.json()
      if (!response.ok || !body.signed_in) {
        signOut()
        return
      }
      const now = Date.now()
      noteActivity(now)
      end = Math.min(now + body.seconds_left * 1000, absoluteEnd)
      close()
      schedule()
    } catch (e) {
      live.textContent = 'We could not reach the server. Try again.'
    }
  }

  stay.addEventListener('click', stayIn)
  dialog.addEventListener('cancel', (event) => {
    // Escape means "stay signed in", as in the GOV.UK pattern (unless no more time can be had).
    event.preventDefault()
    if (!stay.hidden) stayIn()
  })

  schedule()
}
