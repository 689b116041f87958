// The activity feed on a commission's page and its activity page, kept up to date over the
// /activity socket (docs/live-protocol.md). The page is drawn by the server first, and works
// without this module as a list a reload brings up to date; here each `activity` nudge makes the
// page follow again with the largest item id it has seen (its cursor), and the answer's items are
// merged into the list by key: a count of responses that grows replaces its line and moves to the
// top. New lines are announced in the polite live region; focus never moves.
import { io } from '/vendor/socket.io/socket.io.esm.min.js'

const root = document.querySelector('[data-activity-feed]')
const ACK_TIMEOUT = 10000
// What is coming up depends on the time as well as on events ("closes in 3 hours").
const REFRESH_EVERY = 5 * 60 * 1000

if (root) start(root)

function start (root) {
  const commissionId = Number(root.dataset.commissionId)
  const limit = Number(root.dataset.limit) || 50
  const list = document.getElementById('activity-items')
  const listEmpty = document.getElementById('activity-items-empty')
  const coming = document.getElementById('activity-coming-up')
  const comingEmpty = document.getElementById('activity-coming-up-empty')
  const attention = document.getElementById('activity-attention')
  const attentionBox = document.getElementById('activity-attention-box')
  const announcer = document.getElementById('activity-announcer')
  const connection = document.getElementById('activity-connection')
  let cursor = Number(root.dataset.cursor) || 0
  let following = false
  let again = false // a nudge came while a follow was under way

  function line (item, prefix) {
    const li = document.createElement('li')
    li.className = 'engage-activity__item'
    li.dataset.key = item.key
    let label
    if (item.href) {
      label = document.createElement('a')
      label.className = 'govuk-link engage-wrap'
      label.href = item.href
    } else {
      label = document.createElement('span')
      label.className = 'engage-wrap'
    }
    label.textContent = item.text
    const when = document.createElement('span')
    when.className = 'govuk-body-s engage-activity__when'
    if (prefix) when.append(prefix + ' ')
    const time = document.createElement('time')
    time.dateTime = item.time
    time.textContent = item.when
    when.append(time)
    li.append(label, ' ', when)
    return li
  }

  function announce (texts) {
    if (!texts.length) return
    announcer.textContent = ''
    window.setTimeout(() => { announcer.textContent = texts.join('. ') }, 50)
  }

  function merge (items) {
    const fresh = []
    // Oldest first, so each is put on top of the one before it.
    for (const item of [...items].reverse()) {
      const old = list.querySelector(`li[data-key="${CSS.escape(item.key)}"]`)
      if (old) old.remove()
      list.prepend(line(item, ''))
      fresh.push(item.text)
    }
    while (list.children.length > limit) list.lastElementChild.remove()
    listEmpty.hidden = list.children.length > 0
    announce(fresh.reverse())
  }

  function replace (target, items, prefix) {
    target.replaceChildren(...items.map(i => line(i, prefix)))
  }

  function follow () {
    if (following) { again = true; return }
    following = true
    socket.timeout(ACK_TIMEOUT).emit('follow', { commission_id: commissionId, after: cursor }, (err, ack) => {
      following = false
      if (again) { again = false; window.setTimeout(follow, 0) }
      if (err) { connection.textContent = 'Could not reach Engage. Retrying…'; return }
      if (!ack.ok) {
        connection.textContent = ack.error.message
        return
      }
      connection.textContent = 'This list updates by itself.'
      cursor = Math.max(cursor, ack.cursor)
      merge(ack.items)
      replace(coming, ack.coming_up, '')
      comingEmpty.hidden = ack.coming_up.length > 0
      replace(attention, ack.attention, 'since')
      attentionBox.hidden = ack.attention.length === 0
    })
  }

  const socket = io('/activity', { reconnectionDelayMax: 10000 })
  socket.on('connect', follow)
  socket.on('activity', message => { if (message && message.commission_id === commissionId) follow() })
  socket.on('disconnect', () => { connection.textContent = 'Reconnecting…' })
  socket.on('connect_error', err => {
    const refused = err && err.data && err.data.code === 'forbidden'
    connection.textContent = refused ? `${err.data.message}.` : 'Could not reach Engage. Retrying…'
  })
  window.setInterval(() => { if (socket.connected) follow() }, REFRESH_EVERY)
}
