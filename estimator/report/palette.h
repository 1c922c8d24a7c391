/* palette.h: the one owner of the colours of tasks and data products, so that a task (or a
 * product) has the same colour in every plot: the estimate's node_days, the campaign's
 * utilisation and volume plots, validate's figures and the model-fit plots. Colours are
 * 0xRRGGBB.
 *
 * RTN-028's 9 tasks take the Tableau 10 colours in pipeline order (grey left out: it is the
 * colour of "other" and of reference lines), and each of its 12 products the colour of the task
 * that writes it (the task's second product a lighter shade of it), so the volume plot reads
 * against the utilisation plot. Any other label takes one of 20 colours by a hash of its text
 * (FNV-1a): the same label gets the same colour in every plot and every run, whatever subset
 * of tasks or which pipeline order a plot draws, which a rule by position could not promise. */
#ifndef Y1_PALETTE_H
#define Y1_PALETTE_H

/* Colour of a task label (a pipetask label such as "calibrate"); NULL or "" gives grey. */
unsigned plot_palette_task(const char *label);

/* Colour of a data product (a dataset type such as "calexp"); NULL or "" gives grey. */
unsigned plot_palette_product(const char *dataset);

#endif
