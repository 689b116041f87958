"""What the public page is made of: a quote a moderator hid from the room after it was picked
stays on the staff record but never reaches the public."""
from __future__ import annotations

from commissioning_steps import inputs, themes
from surveys import you_said_we_did

from ysd_data import by_ref


def test_a_quote_hidden_after_it_was_picked_is_left_off_the_public_page(db, commission, owner, items):
    weekends = themes.create_theme(db, commission, owner, name="Weekends")
    themes.tag(db, weekends, by_ref(items, "live-vote:72", "survey-answer:3:q1"), owner)
    themes.pick_quote(db, weekends, items["live-vote:72"].id, owner)
    themes.pick_quote(db, weekends, items["survey-answer:3:q1"].id, owner)
    inputs.set_hidden(db, "live-vote:72", True)
    db.commit()
    [said] = you_said_we_did.report(db, commission)["said"]
    assert [q["text"] for q in said["quotes"]] == ["Open the centre at weekends"]
    [staff_view] = themes.summaries(db, commission.id)
    assert len(staff_view.quotes) == 2  # the staff record keeps it
