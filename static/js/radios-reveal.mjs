// GOV.UK Frontend's conditional reveal sets aria-expanded on radio inputs, which ARIA does not
// allow on a radio (axe: aria-allowed-attr, critical; alphagov/govuk-frontend#979). The reveal
// itself (aria-controls, the revealed content) is kept; only aria-expanded is taken off, after
// GOV.UK Frontend has started (this module loads after engage.mjs) and after every change it
// syncs. Load it on pages whose radios reveal content.
const strip = () => {
  for (const input of document.querySelectorAll('.govuk-radios__input[aria-expanded]')) {
    input.removeAttribute('aria-expanded')
  }
}

strip()
document.addEventListener('click', strip)
document.addEventListener('change', strip)
window.addEventListener('pageshow', strip)
