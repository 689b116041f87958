"""WTForms of the evaluation workspace. Each step's and each challenge's form has its own prefix,
so eight rating forms on one page have distinct field ids (and error summary links)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from .forms import AssessmentForm


def rating_form(step_key: str) -> AssessmentForm:
    return AssessmentForm(prefix=f"rate-{step_key}")


class ChallengeForm(FlaskForm):
    entry = SelectField("What are you challenging?", widget=GovSelect(), choices=[], validate_choice=False)
    text = TextAreaField("Your challenge", widget=GovTextArea(),
                         validators=[DataRequired("Enter your challenge"),
                                     Length(max=2000, message="Your challenge must be 2000 characters or fewer")])
    submit = SubmitField("Raise challenge", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    text = TextAreaField("Your answer", widget=GovTextArea(),
                         validators=[DataRequired("Enter your answer"),
                                     Length(max=2000, message="Your answer must be 2000 characters or fewer")])
    submit = SubmitField("Answer challenge", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    submit = SubmitField("Sign off the evaluation", widget=GovSubmitInput())
