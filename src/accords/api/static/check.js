// The case checker's "Copy link" button: copies the permalink field. Without JavaScript the
// button stays hidden and the field's text can be selected and copied by hand.
document.querySelectorAll("button.copy-link").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(
      () => { button.textContent = "Copied"; },
      () => { field.select(); },
    );
  });
});
