"""Top lemma keyness of the demo corpus by collection, with or without the lookup corrections."""
import sys
import isic_nlp.components.lemmatizer as L
if sys.argv[1] == "before":
    L.CORRECTIONS.clear()
from isic_nlp.cli.analyse import DEMO_CORPUS
from isic_nlp.reports import compare, load_report_data
r = compare(load_report_data([DEMO_CORPUS], pipeline="fast"), by="collection", n_boot=50)
k = r.keyness_lemmas
top = k[k["specificity"] > 0].sort_values(["group", "specificity"], ascending=[True, False]).groupby("group").head(15)
for g, part in top.groupby("group"):
    print(g, ", ".join(part["lemma"]))
watch = k[k["lemma"].isin(["salarier", "salarié", "etat", "état", "intéresser", "intéressé"])]
print(watch.groupby("lemma")["k"].sum().to_dict())
