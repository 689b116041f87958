// Starts GOV.UK Frontend's components (error summary focus, character counts, menus...).
// Loaded as a module from the app's own origin: no inline script, as the CSP requires.
import { initAll } from '/vendor/govuk/govuk-frontend.min.js'

initAll()
